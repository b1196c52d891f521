import {
  createCipheriv,
  createDecipheriv,
  hkdfSync,
  randomBytes,
} from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;

/**
 * A 32-byte key for one use, derived with HKDF from a server secret (KEYS_SECRET, JWT_SECRET):
 * those are random already, so no password hashing is called for. `info` names the use, so
 * each use gets its own key from the one secret.
 */
export function deriveSealingKey(serverSecret: string, info: string): Buffer {
  return Buffer.from(
    hkdfSync('sha256', Buffer.from(serverSecret), Buffer.alloc(0), info, 32),
  );
}

/**
 * AES-256-GCM with a fresh IV, as `v1.<iv>.<tag>.<ciphertext>` (base64url). `boundTo` (a row's
 * id) is authenticated data: a sealed value copied onto another row does not open there.
 */
export function seal(key: Buffer, boundTo: string, plaintext: Buffer): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(boundTo));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return [
    VERSION,
    iv.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
    ciphertext.toString('base64url'),
  ].join('.');
}

/** What `seal` sealed, or null when it was sealed under another key, for another row, or altered. */
export function open(
  key: Buffer,
  boundTo: string,
  sealed: string,
): Buffer | null {
  const [version, iv, tag, ciphertext, ...rest] = sealed.split('.');
  if (
    version !== VERSION ||
    !iv ||
    !tag ||
    ciphertext === undefined ||
    rest.length > 0
  ) {
    return null;
  }
  try {
    const decipher = createDecipheriv(
      'aes-256-gcm',
      key,
      Buffer.from(iv, 'base64url'),
    );
    decipher.setAAD(Buffer.from(boundTo));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([
      decipher.update(Buffer.from(ciphertext, 'base64url')),
      decipher.final(),
    ]);
  } catch {
    // A wrong key, another row or a changed byte fails the GCM tag check.
    return null;
  }
}

import {
  createCipheriv,
  createDecipheriv,
  hkdfSync,
  randomBytes,
} from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;

/**
 * The AES-256 key sealing TOTP secrets, derived with HKDF from KEYS_SECRET (or JWT_SECRET when
 * there is none): both are random already, so no password hashing is called for. The info
 * string pins this one use, so the key differs from the signing keys' own.
 */
export function totpSealingKey(serverSecret: string): Buffer {
  return Buffer.from(
    hkdfSync(
      'sha256',
      Buffer.from(serverSecret),
      Buffer.alloc(0),
      'gatehouse totp secret v1',
      32,
    ),
  );
}

/**
 * Seals a base32 TOTP secret (AES-256-GCM, fresh IV). The user id is authenticated data: a
 * sealed secret copied onto another user's row does not open there.
 */
export function sealTotpSecret(
  key: Buffer,
  userId: string,
  secret: string,
): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(userId));
  const ciphertext = Buffer.concat([
    cipher.update(secret, 'utf8'),
    cipher.final(),
  ]);
  return [
    VERSION,
    iv.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
    ciphertext.toString('base64url'),
  ].join('.');
}

/** The secret, or null when `sealed` was not sealed for `userId` under this key. */
export function openTotpSecret(
  key: Buffer,
  userId: string,
  sealed: string,
): string | null {
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
    decipher.setAAD(Buffer.from(userId));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([
      decipher.update(Buffer.from(ciphertext, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    // A wrong key, another user's row or a changed byte fails the GCM tag check.
    return null;
  }
}

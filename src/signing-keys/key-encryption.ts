import {
  createCipheriv,
  createDecipheriv,
  hkdfSync,
  randomBytes,
} from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;

/**
 * The AES-256 key-encryption key, derived from KEYS_SECRET with HKDF (the secret is random
 * already, so no password hashing is called for). The info string pins its one use.
 */
export function keyEncryptionKey(keysSecret: string): Buffer {
  return Buffer.from(
    hkdfSync(
      'sha256',
      Buffer.from(keysSecret),
      Buffer.alloc(0),
      'gatehouse signing-key encryption v1',
      32,
    ),
  );
}

/**
 * Seals a private key (AES-256-GCM, fresh IV). The kid is authenticated data: a sealed key
 * copied onto another row does not open there.
 */
export function sealPrivateKey(
  kek: Buffer,
  kid: string,
  plaintext: Buffer,
): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', kek, iv);
  cipher.setAAD(Buffer.from(kid));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return [
    VERSION,
    iv.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
    ciphertext.toString('base64url'),
  ].join('.');
}

/** The private key, or null when `sealed` was not sealed for `kid` under this key (wrong KEYS_SECRET). */
export function openPrivateKey(
  kek: Buffer,
  kid: string,
  sealed: string,
): Buffer | null {
  const [version, iv, tag, ciphertext] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || ciphertext === undefined) {
    return null;
  }
  try {
    const decipher = createDecipheriv(
      'aes-256-gcm',
      kek,
      Buffer.from(iv, 'base64url'),
    );
    decipher.setAAD(Buffer.from(kid));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([
      decipher.update(Buffer.from(ciphertext, 'base64url')),
      decipher.final(),
    ]);
  } catch {
    return null;
  }
}

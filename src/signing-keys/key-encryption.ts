import { deriveSealingKey, open, seal } from '../common/crypto/sealed-box';

/** The key-encryption key, derived from KEYS_SECRET for this one use. */
export function keyEncryptionKey(keysSecret: string): Buffer {
  return deriveSealingKey(keysSecret, 'gatehouse signing-key encryption v1');
}

/**
 * Seals a private key. The kid is authenticated data: a sealed key copied onto another row
 * does not open there.
 */
export function sealPrivateKey(
  kek: Buffer,
  kid: string,
  plaintext: Buffer,
): string {
  return seal(kek, kid, plaintext);
}

/** The private key, or null when `sealed` was not sealed for `kid` under this key (wrong KEYS_SECRET). */
export function openPrivateKey(
  kek: Buffer,
  kid: string,
  sealed: string,
): Buffer | null {
  return open(kek, kid, sealed);
}

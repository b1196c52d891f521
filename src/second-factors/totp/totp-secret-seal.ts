import { deriveSealingKey, open, seal } from '../../common/crypto/sealed-box';

/**
 * The key sealing TOTP secrets, from KEYS_SECRET (or JWT_SECRET when there is none); its own
 * HKDF info string, so it differs from the signing keys' key.
 */
export function totpSealingKey(serverSecret: string): Buffer {
  return deriveSealingKey(serverSecret, 'gatehouse totp secret v1');
}

/**
 * Seals a base32 TOTP secret. The user id is authenticated data: a sealed secret copied onto
 * another user's row does not open there.
 */
export function sealTotpSecret(
  key: Buffer,
  userId: string,
  secret: string,
): string {
  return seal(key, userId, Buffer.from(secret, 'utf8'));
}

/** The secret, or null when `sealed` was not sealed for `userId` under this key. */
export function openTotpSecret(
  key: Buffer,
  userId: string,
  sealed: string,
): string | null {
  return open(key, userId, sealed)?.toString('utf8') ?? null;
}

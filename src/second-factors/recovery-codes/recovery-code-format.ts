import { createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Crockford's base32 alphabet: no i, l, o or u, so nothing reads as another character (and
 * 32 symbols make each random byte's low 5 bits an unbiased pick).
 */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const CODE_LENGTH = 10;
export const RECOVERY_CODE_COUNT = 10;

/** A new code as shown to its owner: `xxxxx-xxxxx`, 50 random bits. */
export function newRecoveryCode(): string {
  const bytes = randomBytes(CODE_LENGTH);
  const chars = [...bytes].map((byte) => ALPHABET[byte & 31]);
  return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
}

/**
 * The code as stored and compared: lower case, without the dashes and spaces people copy or
 * type, with the letters Crockford reads as digits (o → 0, i and l → 1) mapped; null when what
 * is left cannot be a recovery code.
 */
export function normaliseRecoveryCode(input: string): string | null {
  const code = input
    .toLowerCase()
    .replace(/[\s-]+/g, '')
    .replace(/o/g, '0')
    .replace(/[il]/g, '1');
  return code.length === CODE_LENGTH &&
    [...code].every((char) => ALPHABET.includes(char))
    ? code
    : null;
}

/** The HMAC key for recovery codes, derived like the TOTP sealing key but for this one use. */
export function recoveryCodeKey(serverSecret: string): Buffer {
  return Buffer.from(
    hkdfSync(
      'sha256',
      Buffer.from(serverSecret),
      Buffer.alloc(0),
      'gatehouse recovery code v1',
      32,
    ),
  );
}

/**
 * HMAC-SHA256 of a normalised code, bound to its user. 50 random bits resist guessing online
 * (the login lockout stops that long before), but a plain SHA-256 of them could be brute-forced
 * from a copy of the table; keyed with a server secret the table alone gives nothing away.
 */
export function hashRecoveryCode(
  key: Buffer,
  userId: string,
  normalisedCode: string,
): string {
  return createHmac('sha256', key)
    .update(`${userId}:${normalisedCode}`)
    .digest('hex');
}

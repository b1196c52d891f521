import { randomBytes, randomInt } from 'node:crypto';

const PREFIX = 'gkey_';
const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const ID_LENGTH = 8;
const SECRET_LENGTH = 43;
const KEY_PATTERN = /^gkey_([a-z0-9]{8})_([A-Za-z0-9_-]{43})$/;

/** `gkey_<8-char id>_<43-char secret>`: the id is public and indexed, the secret 256 random bits. */
export function generateApiKey(): { id: string; secret: string; key: string } {
  let id = '';
  for (let i = 0; i < ID_LENGTH; i += 1) {
    id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  }
  const secret = randomBytes(32).toString('base64url');
  return { id, secret, key: `${PREFIX}${id}_${secret}` };
}

/** The id and secret of a well-formed key, else null (the secret may itself contain `_`). */
export function parseApiKey(
  key: string,
): { id: string; secret: string } | null {
  if (key.length !== PREFIX.length + ID_LENGTH + 1 + SECRET_LENGTH) {
    return null;
  }
  const match = KEY_PATTERN.exec(key);
  return match ? { id: match[1], secret: match[2] } : null;
}

import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SECRET_FILE = 'jwt-secret';
const KEYS_SECRET_FILE = 'keys-secret';

/**
 * Outside production the secret is generated once and kept in the data folder, so tokens
 * survive a restart without any set-up. `wx` makes two processes starting at once agree on
 * one secret: the loser of the race reads the winner's file.
 */
export function readOrCreateJwtSecret(dataDir: string): string {
  return readOrCreateSecret(
    dataDir,
    SECRET_FILE,
    'delete it to have a new one generated',
  );
}

/**
 * The signing keys' key-encryption key (KEYS_SECRET), kept the same way. Unlike the JWT
 * secret it must never be regenerated while keys encrypted with it are in the database.
 */
export function readOrCreateKeysSecret(dataDir: string): string {
  return readOrCreateSecret(
    dataDir,
    KEYS_SECRET_FILE,
    'restore the original, or set KEYS_SECRET to it',
  );
}

function readOrCreateSecret(
  dataDir: string,
  name: string,
  remedy: string,
): string {
  const file = join(dataDir, name);
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(file, randomBytes(48).toString('base64url'), {
      flag: 'wx',
      mode: 0o600,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw error;
    }
  }
  const secret = readFileSync(file, 'utf8').trim();
  if (Buffer.byteLength(secret) < 32) {
    throw new Error(`${file} holds a secret under 32 bytes: ${remedy}`);
  }
  return secret;
}

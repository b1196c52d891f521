import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SECRET_FILE = 'jwt-secret';

/**
 * Outside production the secret is generated once and kept in the data folder, so tokens
 * survive a restart without any set-up. `wx` makes two processes starting at once agree on
 * one secret: the loser of the race reads the winner's file.
 */
export function readOrCreateJwtSecret(dataDir: string): string {
  const file = join(dataDir, SECRET_FILE);
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
    throw new Error(
      `${file} holds a secret under 32 bytes: delete it to have a new one generated`,
    );
  }
  return secret;
}

import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOrCreateJwtSecret } from './jwt-secret';

describe(readOrCreateJwtSecret.name, () => {
  it('generates a strong secret once, owner-readable only, and returns the same one after', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'gh-secret-')), 'nested');
    const first = readOrCreateJwtSecret(dir);
    expect(Buffer.byteLength(first)).toBeGreaterThanOrEqual(32);
    expect(statSync(join(dir, 'jwt-secret')).mode & 0o777).toBe(0o600);
    expect(readOrCreateJwtSecret(dir)).toBe(first);
    expect(readFileSync(join(dir, 'jwt-secret'), 'utf8')).toBe(first);
  });

  it('refuses a kept secret that is too short rather than sign with it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-secret-'));
    writeFileSync(join(dir, 'jwt-secret'), 'short');
    expect(() => readOrCreateJwtSecret(dir)).toThrow(/under 32 bytes/);
  });
});

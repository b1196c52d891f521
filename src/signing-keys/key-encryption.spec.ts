import { randomBytes } from 'node:crypto';
import {
  keyEncryptionKey,
  openPrivateKey,
  sealPrivateKey,
} from './key-encryption';

describe('key encryption', () => {
  const kek = keyEncryptionKey('a'.repeat(48));
  const plaintext = randomBytes(138);

  it('opens what it sealed, and the sealed form holds no plaintext', () => {
    const sealed = sealPrivateKey(kek, 'kid-1', plaintext);
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain(plaintext.toString('base64url'));
    expect(openPrivateKey(kek, 'kid-1', sealed)).toEqual(plaintext);
  });

  it('seals the same key differently each time (fresh IV)', () => {
    expect(sealPrivateKey(kek, 'k', plaintext)).not.toBe(
      sealPrivateKey(kek, 'k', plaintext),
    );
  });

  it('refuses another secret, another kid, and a tampered ciphertext', () => {
    const sealed = sealPrivateKey(kek, 'kid-1', plaintext);
    expect(
      openPrivateKey(keyEncryptionKey('b'.repeat(48)), 'kid-1', sealed),
    ).toBeNull();
    expect(openPrivateKey(kek, 'kid-2', sealed)).toBeNull();
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3], 'base64url');
    body[0] ^= 1;
    parts[3] = body.toString('base64url');
    expect(openPrivateKey(kek, 'kid-1', parts.join('.'))).toBeNull();
    expect(openPrivateKey(kek, 'kid-1', 'garbage')).toBeNull();
  });
});

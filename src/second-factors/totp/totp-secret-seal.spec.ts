import {
  openTotpSecret,
  sealTotpSecret,
  totpSealingKey,
} from './totp-secret-seal';

describe('TOTP secret sealing', () => {
  const key = totpSealingKey('a server secret of at least thirty-two bytes');
  const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
  const userId = '0b6c6f43-8a7e-4f57-9d0b-2a3c1f3e5d71';

  it('opens what it sealed, for the same user under the same key', () => {
    const sealed = sealTotpSecret(key, userId, secret);
    expect(openTotpSecret(key, userId, sealed)).toBe(secret);
  });

  it('does not keep the secret in clear, and seals it differently each time', () => {
    const first = sealTotpSecret(key, userId, secret);
    const second = sealTotpSecret(key, userId, secret);
    expect(first).not.toContain(secret);
    expect(
      Buffer.from(first.split('.')[3], 'base64url').toString(),
    ).not.toContain(secret);
    expect(first).not.toBe(second);
  });

  it('does not open for another user, under another key, or once changed', () => {
    const sealed = sealTotpSecret(key, userId, secret);
    expect(openTotpSecret(key, 'another-user', sealed)).toBeNull();
    expect(
      openTotpSecret(
        totpSealingKey('another server secret, also long enough'),
        userId,
        sealed,
      ),
    ).toBeNull();
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3], 'base64url');
    body[0] ^= 1;
    parts[3] = body.toString('base64url');
    expect(openTotpSecret(key, userId, parts.join('.'))).toBeNull();
    expect(openTotpSecret(key, userId, 'v2.' + sealed.slice(3))).toBeNull();
    expect(openTotpSecret(key, userId, 'not sealed')).toBeNull();
  });

  it('derives a key of its own, not the signing keys’ one', () => {
    expect(totpSealingKey('same secret')).toHaveLength(32);
    expect(
      totpSealingKey('same secret').equals(totpSealingKey('same secret')),
    ).toBe(true);
    expect(
      totpSealingKey('same secret').equals(totpSealingKey('other secret')),
    ).toBe(false);
  });
});

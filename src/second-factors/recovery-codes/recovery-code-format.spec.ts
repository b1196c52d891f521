import {
  hashRecoveryCode,
  newRecoveryCode,
  normaliseRecoveryCode,
  recoveryCodeKey,
} from './recovery-code-format';

describe('recovery codes', () => {
  it('shows codes as xxxxx-xxxxx from the unambiguous alphabet, all different', () => {
    const codes = Array.from({ length: 200 }, newRecoveryCode);
    for (const code of codes) {
      expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/);
    }
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('normalises case, dashes, spaces and look-alike letters', () => {
    expect(normaliseRecoveryCode('ab3de-f7h9k')).toBe('ab3def7h9k');
    expect(normaliseRecoveryCode('AB3DE-F7H9K')).toBe('ab3def7h9k');
    expect(normaliseRecoveryCode(' ab3de f7h9k ')).toBe('ab3def7h9k');
    expect(normaliseRecoveryCode('ab3def7h9k')).toBe('ab3def7h9k');
    expect(normaliseRecoveryCode('a-b-3-d-e-f-7-h-9-k')).toBe('ab3def7h9k');
    expect(normaliseRecoveryCode('O1IL0-abcde')).toBe('01110abcde');
  });

  it('refuses what cannot be a code', () => {
    expect(normaliseRecoveryCode('ab3de-f7h9')).toBeNull();
    expect(normaliseRecoveryCode('ab3de-f7h9kk')).toBeNull();
    expect(normaliseRecoveryCode('ab3de-f7h9u')).toBeNull();
    expect(normaliseRecoveryCode('ab3de_f7h9k')).toBeNull();
    expect(normaliseRecoveryCode('')).toBeNull();
  });

  it('hashes the normalised code per user, under the server key', () => {
    const key = recoveryCodeKey('a server secret of at least thirty-two bytes');
    const hash = hashRecoveryCode(key, 'user-1', 'ab3def7h9k');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashRecoveryCode(key, 'user-1', 'ab3def7h9k')).toBe(hash);
    expect(hashRecoveryCode(key, 'user-2', 'ab3def7h9k')).not.toBe(hash);
    expect(
      hashRecoveryCode(
        recoveryCodeKey('another server secret, long enough'),
        'user-1',
        'ab3def7h9k',
      ),
    ).not.toBe(hash);
  });
});

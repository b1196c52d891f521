import { normalizeUsername, USERNAME_PATTERN } from './username';

describe(normalizeUsername.name, () => {
  it('trims, applies NFKC and lower-cases', () => {
    expect(normalizeUsername('  Alice.B ')).toBe('alice.b');
    expect(normalizeUsername('ＡＬＩＣＥ２')).toBe('alice2');
    expect(normalizeUsername('ﬁsh')).toBe('fish');
  });

  it('leaves the pattern to refuse what normalisation cannot make valid', () => {
    for (const raw of ['ab', 'a'.repeat(33), 'al ice', 'al@ice', 'éclair']) {
      expect(USERNAME_PATTERN.test(normalizeUsername(raw))).toBe(false);
    }
    expect(USERNAME_PATTERN.test(normalizeUsername('A_b-c.9'))).toBe(true);
  });
});

import { USERNAME_PATTERN } from '../../users/username';
import { deriveUsernameBase, usernameCandidate } from './derived-username';

const none = { usernameHint: null, email: null, provider: 'corp' };

describe(deriveUsernameBase.name, () => {
  it('takes the username hint, lower-cased, when it fits the rules', () => {
    expect(deriveUsernameBase({ ...none, usernameHint: 'Octo.Cat_42' })).toBe(
      'octo.cat_42',
    );
  });

  it('drops accents and turns other characters into single dashes', () => {
    expect(deriveUsernameBase({ ...none, usernameHint: 'José Müller' })).toBe(
      'jose-muller',
    );
    expect(
      deriveUsernameBase({ ...none, usernameHint: '  Ann  (work) ' }),
    ).toBe('ann-work');
    expect(deriveUsernameBase({ ...none, usernameHint: 'a..--b__c' })).toBe(
      'a.b_c',
    );
    expect(deriveUsernameBase({ ...none, usernameHint: 'ＡＬＩＣＥ' })).toBe(
      'alice',
    );
  });

  it('never starts or ends with a separator', () => {
    expect(deriveUsernameBase({ ...none, usernameHint: '-._bob_.-' })).toBe(
      'bob',
    );
  });

  it('cuts a long hint to 32 characters without a trailing separator', () => {
    const name = deriveUsernameBase({
      ...none,
      usernameHint: `${'a'.repeat(31)}-bcdef`,
    });
    expect(name).toBe('a'.repeat(31));
    expect(USERNAME_PATTERN.test(name)).toBe(true);
  });

  it("falls back to the email's local part when the hint is missing or unusable", () => {
    expect(
      deriveUsernameBase({ ...none, email: 'Mary.Jones+gh@example.com' }),
    ).toBe('mary.jones-gh');
    expect(
      deriveUsernameBase({
        ...none,
        usernameHint: '李',
        email: 'li.wei@example.com',
      }),
    ).toBe('li.wei');
    // The last @ separates the domain: a quoted local part may hold one.
    expect(
      deriveUsernameBase({ ...none, email: '"odd@name"@example.com' }),
    ).toBe('odd-name');
  });

  it("falls back to the provider's name, then to 'user'", () => {
    expect(
      deriveUsernameBase({
        usernameHint: 'ab',
        email: 'x@y.z',
        provider: 'corp',
      }),
    ).toBe('corp');
    expect(
      deriveUsernameBase({ usernameHint: '日本', email: null, provider: 'x' }),
    ).toBe('user');
  });
});

describe(usernameCandidate.name, () => {
  it('tries the base first, then numbered names', () => {
    expect(usernameCandidate('alice', 1)).toBe('alice');
    expect(usernameCandidate('alice', 2)).toBe('alice-2');
    expect(usernameCandidate('alice', 12)).toBe('alice-12');
  });

  it('keeps a numbered name within 32 characters and the rules', () => {
    const base = `${'b'.repeat(29)}.cd`;
    const name = usernameCandidate(base, 10);
    expect(name).toBe(`${'b'.repeat(29)}-10`);
    expect(name).toHaveLength(32);
    expect(USERNAME_PATTERN.test(name)).toBe(true);
  });
});

import { generateApiKey, parseApiKey } from './api-key-format';

describe(generateApiKey.name, () => {
  it('makes keys of the contract format that parse back to their parts', () => {
    for (let i = 0; i < 50; i += 1) {
      const { id, secret, key } = generateApiKey();
      expect(key).toMatch(/^gkey_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
      expect(parseApiKey(key)).toEqual({ id, secret });
    }
  });

  it('never repeats a secret', () => {
    const secrets = new Set(
      Array.from({ length: 200 }, () => generateApiKey().secret),
    );
    expect(secrets.size).toBe(200);
  });
});

describe(parseApiKey.name, () => {
  it.each([
    '',
    'gkey_',
    'gkey_abcdefgh',
    `gkey_ABCDEFGH_${'a'.repeat(43)}`,
    `gkey_abcdefgh_${'a'.repeat(42)}`,
    `gkey_abcdefgh_${'a'.repeat(44)}`,
    `xkey_abcdefgh_${'a'.repeat(43)}`,
    `gkey_abcdefgh_${'a'.repeat(42)}!`,
  ])('refuses %p', (key) => {
    expect(parseApiKey(key)).toBeNull();
  });
});

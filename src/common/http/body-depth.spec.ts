import { nestsDeeperThan } from './body-depth';

const bytes = (text: string) => Buffer.from(text, 'utf8');
const arrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const objects = (depth: number) =>
  '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

describe(nestsDeeperThan.name, () => {
  it('accepts nesting up to the limit and refuses one level more', () => {
    expect(nestsDeeperThan(bytes(arrays(32)), 32)).toBe(false);
    expect(nestsDeeperThan(bytes(arrays(33)), 32)).toBe(true);
    expect(nestsDeeperThan(bytes(objects(32)), 32)).toBe(false);
    expect(nestsDeeperThan(bytes(objects(33)), 32)).toBe(true);
  });

  it('counts depth, not the number of containers', () => {
    const wide = `[${Array.from({ length: 1000 }, () => '{"a":[1]}').join(',')}]`;
    expect(nestsDeeperThan(bytes(wide), 3)).toBe(false);
    expect(nestsDeeperThan(bytes(wide), 2)).toBe(true);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    const inString = JSON.stringify({ password: '[[[[{{{{\\"[[[[' });
    expect(nestsDeeperThan(bytes(inString), 1)).toBe(false);
    const escapedQuote = JSON.stringify({ a: 'x"[[[[', b: [[1]] });
    expect(nestsDeeperThan(bytes(escapedQuote), 3)).toBe(false);
    expect(nestsDeeperThan(bytes(escapedQuote), 2)).toBe(true);
  });

  it('ends a string at a quote after an even run of backslashes', () => {
    // In the JSON, "x\\\\" ends in two escaped backslashes, so its quote closes it; "y\\\"" does not.
    const text = JSON.stringify({ a: 'x\\\\', b: [[1]], c: 'y\\"[[[[' });
    expect(nestsDeeperThan(bytes(text), 3)).toBe(false);
    expect(nestsDeeperThan(bytes(text), 2)).toBe(true);
  });

  it('reads multi-byte UTF-8 text without miscounting', () => {
    const text = JSON.stringify({ name: 'Zoë 日本 🙂 «[»', list: [['é']] });
    expect(nestsDeeperThan(bytes(text), 3)).toBe(false);
    expect(nestsDeeperThan(bytes(text), 2)).toBe(true);
  });

  it('finds 2,000 levels in a 4 kB body without overflowing the stack', () => {
    expect(nestsDeeperThan(bytes(arrays(2000)), 32)).toBe(true);
    expect(nestsDeeperThan(bytes('[' + arrays(100_000)), 32)).toBe(true);
  });

  it('leaves scalars and malformed text to the parser', () => {
    expect(
      nestsDeeperThan(bytes('"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[['), 32),
    ).toBe(false);
    expect(
      nestsDeeperThan(bytes(']]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]'), 32),
    ).toBe(false);
    expect(nestsDeeperThan(bytes(''), 32)).toBe(false);
  });
});

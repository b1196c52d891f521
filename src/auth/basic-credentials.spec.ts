import { parseBasicCredentials } from './basic-credentials';

const encode = (text: string) =>
  `Basic ${Buffer.from(text, 'utf8').toString('base64')}`;

describe(parseBasicCredentials.name, () => {
  it('splits at the first colon only, as RFC 7617 requires', () => {
    expect(parseBasicCredentials(encode('alice:pa:ss:word'))).toEqual({
      username: 'alice',
      password: 'pa:ss:word',
    });
  });

  it('keeps an empty password and UTF-8 characters', () => {
    expect(parseBasicCredentials(encode('bob:'))).toEqual({
      username: 'bob',
      password: '',
    });
    expect(parseBasicCredentials(encode('zoë:mot de passé'))).toEqual({
      username: 'zoë',
      password: 'mot de passé',
    });
  });

  it('accepts the scheme name in any case', () => {
    expect(
      parseBasicCredentials(encode('a:b').replace('Basic', 'bAsIc')),
    ).toEqual({ username: 'a', password: 'b' });
  });

  it.each([
    undefined,
    '',
    'Bearer abc',
    'Basic',
    'Basic !!!',
    encode('no-colon'),
    encode(':only-password'),
  ])('refuses %p', (header) => {
    expect(parseBasicCredentials(header)).toBeNull();
  });
});

import { bearerToken } from './presented-credentials';

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl';

function withAuthorization(authorization?: string) {
  return { headers: { authorization } };
}

describe('bearerToken', () => {
  it.each([
    ['the usual spelling', `Bearer ${TOKEN}`],
    ['the scheme in another case', `bearer ${TOKEN}`],
    ['the scheme in capitals', `BEARER ${TOKEN}`],
    ['more than one space before the token', `Bearer   ${TOKEN}`],
  ])('reads the token from %s', (_, header) => {
    expect(bearerToken(withAuthorization(header))).toBe(TOKEN);
  });

  it.each([
    ['no Authorization header', undefined],
    ['another scheme', `Basic ${TOKEN}`],
    ['a scheme that only starts like Bearer', `Bearerx ${TOKEN}`],
    ['the scheme alone', 'Bearer'],
    ['the scheme and spaces only', 'Bearer   '],
    ['no space after the scheme', `Bearer${TOKEN}`],
    ['a tab instead of a space', `Bearer\t${TOKEN}`],
    ['anything after the token', `Bearer ${TOKEN} extra`],
    ['a tab inside the token', `Bearer ${TOKEN}\tx`],
  ])('finds no token with %s', (_, header) => {
    expect(bearerToken(withAuthorization(header))).toBeNull();
  });
});

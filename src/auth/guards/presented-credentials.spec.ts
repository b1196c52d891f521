import type { FastifyRequest } from 'fastify';
import type { AuthScheme } from '../auth-schemes';
import {
  bearerScheme,
  bearerToken,
  dpopToken,
  presentedCredentials,
  unverifiedIssuer,
} from './presented-credentials';

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

function jwtWith(payload: unknown): string {
  const part = (value: unknown) =>
    Buffer.from(
      typeof value === 'string' ? value : JSON.stringify(value),
    ).toString('base64url');
  return `${part({ alg: 'ES256', typ: 'JWT' })}.${part(payload)}.c2ln`;
}

const ISSUERS = { oauth: 'https://auth.example.com', jwt: 'gatehouse' };

describe('unverifiedIssuer', () => {
  it('reads iss as JSON.stringify writes it', () => {
    expect(unverifiedIssuer(jwtWith({ sub: 'u', iss: 'gatehouse' }))).toBe(
      'gatehouse',
    );
  });

  it('parses the JSON when the member is spelled otherwise', () => {
    expect(
      unverifiedIssuer(jwtWith('{ "sub": "u", "iss" : "https:\\/\\/x.test" }')),
    ).toBe('https://x.test');
  });

  it('is not fooled by "iss" inside another claim’s string', () => {
    const token = jwtWith({ username: '"iss":"gatehouse"', iss: 'other' });
    expect(unverifiedIssuer(token)).toBe('other');
  });

  it.each([
    ['not a JWT', 'opaque-token'],
    ['a payload that is not JSON', 'a.bm90IGpzb24.c2ln'],
    ['no iss', jwtWith({ sub: 'u' })],
    ['an iss that is not a string', jwtWith({ iss: 42 })],
  ])('finds none in %s', (_, token) => {
    expect(unverifiedIssuer(token)).toBeNull();
  });
});

describe('bearerScheme', () => {
  it('tells the two kinds of bearer token apart by issuer', () => {
    const oauth = jwtWith({ iss: ISSUERS.oauth });
    const own = jwtWith({ iss: ISSUERS.jwt });
    expect(bearerScheme(oauth, ['jwt', 'oauth'], ISSUERS)).toBe('oauth');
    expect(bearerScheme(oauth, ['jwt'], ISSUERS)).toBe('oauth');
    expect(bearerScheme(own, ['jwt', 'oauth'], ISSUERS)).toBe('jwt');
    expect(bearerScheme(own, ['oauth'], ISSUERS)).toBe('jwt');
  });

  it('hands a token of neither issuer to the bearer scheme the route accepts', () => {
    const stranger = jwtWith({ iss: 'https://evil.example' });
    expect(bearerScheme(stranger, ['jwt', 'oauth'], ISSUERS)).toBe('jwt');
    expect(bearerScheme(stranger, ['oauth', 'basic'], ISSUERS)).toBe('oauth');
    expect(bearerScheme('opaque', ['basic'], ISSUERS)).toBe('jwt');
  });

  it('hands a token that is no JWT to oauth where oauth is accepted (the provider’s opaque tokens)', () => {
    expect(bearerScheme('opaque', ['jwt', 'oauth'], ISSUERS)).toBe('oauth');
    expect(bearerScheme('opaque', ['jwt'], ISSUERS)).toBe('jwt');
    expect(bearerScheme('', ['jwt', 'oauth'], ISSUERS)).toBe('jwt');
  });
});

describe('dpopToken', () => {
  it.each([
    ['the usual spelling', `DPoP ${TOKEN}`],
    ['another case', `dpop ${TOKEN}`],
    ['more than one space', `DPoP   ${TOKEN}`],
  ])('reads the token from %s', (_, header) => {
    expect(dpopToken(withAuthorization(header))).toBe(TOKEN);
  });

  it.each([
    ['a bearer token', `Bearer ${TOKEN}`],
    ['the scheme alone', 'DPoP'],
    ['anything after the token', `DPoP ${TOKEN} extra`],
  ])('finds no token in %s', (_, header) => {
    expect(dpopToken(withAuthorization(header))).toBeNull();
  });
});

describe('presentedCredentials', () => {
  function presented(authorization: string, accepted: AuthScheme[]) {
    return presentedCredentials(
      { headers: { authorization }, query: {} } as unknown as FastifyRequest,
      accepted,
      ISSUERS,
    );
  }

  it('names a bearer token by its issuer and a DPoP token oauth', () => {
    expect(
      presented(`Bearer ${jwtWith({ iss: ISSUERS.oauth })}`, ['jwt']),
    ).toEqual(['oauth']);
    expect(
      presented(`Bearer ${jwtWith({ iss: ISSUERS.jwt })}`, ['oauth']),
    ).toEqual(['jwt']);
    expect(presented(`DPoP ${TOKEN}`, ['jwt'])).toEqual(['oauth']);
    // No token at all: the bearer scheme the route takes says what to send.
    expect(presented('Bearer', ['oauth'])).toEqual(['oauth']);
    expect(presented('Bearer', ['jwt', 'oauth'])).toEqual(['jwt']);
  });
});

import { oauthRevocationKey } from '../../oauth/oauth-revocation-keys';
import { verifiedOAuthToken } from './oauth-access-token';

const USER_ID = '6f1c2b1e-8d3a-4c55-9e2f-0a1b2c3d4e5f';
const CLIENT_ID = 'gh_abcdefghijklmnopqrstuv';

function payload(changes: Record<string, unknown> = {}) {
  return {
    iss: 'https://auth.example.com',
    aud: 'https://auth.example.com/api',
    sub: USER_ID,
    client_id: CLIENT_ID,
    scope: 'openid data:read  profile:read',
    jti: 'jti-1',
    gid: 'grant-1',
    iat: 1_000,
    exp: 1_900,
    ...changes,
  };
}

describe(verifiedOAuthToken.name, () => {
  it('reads a user’s token once: scopes, and the blacklist keys of jti, client and grant', () => {
    expect(verifiedOAuthToken(payload())).toEqual({
      exp: 1_900,
      sub: USER_ID,
      clientId: CLIENT_ID,
      jti: 'jti-1',
      scopes: ['openid', 'data:read', 'profile:read'],
      forClient: false,
      jkt: null,
      revocationKeys: [
        oauthRevocationKey('jti', 'jti-1'),
        oauthRevocationKey('client', CLIENT_ID),
        oauthRevocationKey('grant', 'grant-1'),
      ],
    });
  });

  it('knows a client-credentials token by sub === client_id, with no grant', () => {
    const token = verifiedOAuthToken(
      payload({ sub: CLIENT_ID, gid: undefined }),
    );
    expect(token).toMatchObject({ forClient: true, sub: CLIENT_ID });
    expect(token?.revocationKeys).toEqual([
      oauthRevocationKey('jti', 'jti-1'),
      oauthRevocationKey('client', CLIENT_ID),
    ]);
  });

  it('keeps the DPoP key thumbprint of a bound token', () => {
    expect(verifiedOAuthToken(payload({ cnf: { jkt: 'thumb' } }))?.jkt).toBe(
      'thumb',
    );
  });

  it('drops `*`, which would mean every scope to the guard', () => {
    expect(
      verifiedOAuthToken(payload({ scope: '* data:read' }))?.scopes,
    ).toEqual(['data:read']);
  });

  it.each([
    ['no sub', { sub: undefined }],
    ['no client_id', { client_id: undefined }],
    ['an empty client_id', { client_id: '' }],
    ['no jti', { jti: undefined }],
    ['no scope', { scope: undefined }],
    ['a scope that is not a string', { scope: ['data:read'] }],
    ['no exp', { exp: undefined }],
    ['a gid that is not a string', { gid: 7 }],
    ['a confirmation other than jkt', { cnf: { 'x5t#S256': 'abc' } }],
    ['a user sub that is not a user id', { sub: 'someone' }],
  ])('refuses a payload with %s', (_, changes) => {
    expect(verifiedOAuthToken(payload(changes))).toBeNull();
  });
});

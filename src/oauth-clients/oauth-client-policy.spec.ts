import {
  clientShapeProblem,
  newClientId,
  newClientSecret,
  redirectUriProblem,
  scopeList,
  unknownScopes,
} from './oauth-client-policy';

describe(redirectUriProblem.name, () => {
  it.each([
    'https://app.example.com/callback',
    'https://app.example.com:8443/cb?tenant=1',
    'http://localhost:3000/cb',
    'http://127.0.0.1/cb',
    'http://[::1]:53682/cb',
  ])('accepts %s', (uri) => {
    expect(redirectUriProblem(uri)).toBeNull();
  });

  it.each([
    ['/callback', 'is not an absolute URL'],
    ['app.example.com/cb', 'is not an absolute URL'],
    ['https://app.example.com/cb#', 'must not have a fragment (#…)'],
    ['https://app.example.com/cb#x', 'must not have a fragment (#…)'],
    [
      'http://app.example.com/cb',
      'may use http only for localhost, 127.0.0.1 or [::1]; use https',
    ],
    // A host that merely starts like a loopback name is somebody else's.
    [
      'http://localhost.evil.example/cb',
      'may use http only for localhost, 127.0.0.1 or [::1]; use https',
    ],
    [
      'com.example.app:/cb',
      'must be an https URL (or http on localhost, 127.0.0.1 or [::1])',
    ],
    [
      'javascript:alert(1)',
      'must be an https URL (or http on localhost, 127.0.0.1 or [::1])',
    ],
  ])('refuses %s', (uri, problem) => {
    expect(redirectUriProblem(uri)).toBe(problem);
  });
});

describe(scopeList.name, () => {
  it('splits on spaces, drops empty words and repeats, keeps the order', () => {
    expect(scopeList(' openid  data:read openid ')).toEqual([
      'openid',
      'data:read',
    ]);
    expect(scopeList('   ')).toEqual([]);
  });
});

describe(unknownScopes.name, () => {
  it('names the words Gatehouse does not offer', () => {
    expect(unknownScopes('openid profile email offline_access')).toEqual([]);
    expect(unknownScopes('data:read profile:read')).toEqual([]);
    expect(unknownScopes('openid data:write *')).toEqual(['data:write', '*']);
  });
});

describe(clientShapeProblem.name, () => {
  const web = {
    redirectUris: ['https://a.example/cb'],
    grantTypes: ['authorization_code', 'refresh_token'],
    tokenEndpointAuthMethod: 'client_secret_basic' as const,
  };

  it('accepts coherent clients', () => {
    expect(clientShapeProblem(web)).toBeNull();
    expect(
      clientShapeProblem({
        redirectUris: [],
        grantTypes: ['client_credentials'],
        tokenEndpointAuthMethod: 'client_secret_post',
      }),
    ).toBeNull();
    expect(
      clientShapeProblem({
        redirectUris: [],
        grantTypes: [
          'urn:ietf:params:oauth:grant-type:device_code',
          'refresh_token',
        ],
        tokenEndpointAuthMethod: 'none',
      }),
    ).toBeNull();
  });

  it('refuses client credentials for a public client', () => {
    expect(
      clientShapeProblem({
        ...web,
        grantTypes: ['authorization_code', 'client_credentials'],
        tokenEndpointAuthMethod: 'none',
      }),
    ).toMatch(/^grant_types cannot include client_credentials/);
  });

  it('needs a redirect URI for the authorization code grant', () => {
    expect(clientShapeProblem({ ...web, redirectUris: [] })).toMatch(
      /^redirect_uris needs at least one URI/,
    );
  });

  it('refuses a refresh token grant with nothing to obtain one', () => {
    expect(
      clientShapeProblem({
        ...web,
        grantTypes: ['client_credentials', 'refresh_token'],
      }),
    ).toMatch(/^grant_types includes refresh_token/);
  });
});

describe('client credentials', () => {
  it('makes ids of 128 and secrets of 256 random bits, base64url', () => {
    const ids = new Set(Array.from({ length: 50 }, () => newClientId()));
    expect(ids.size).toBe(50);
    for (const id of ids) {
      expect(id).toMatch(/^gh_[A-Za-z0-9_-]{22}$/);
    }
    const secret = newClientSecret();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(newClientSecret()).not.toBe(secret);
  });
});

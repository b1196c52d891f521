import { OAUTH_SCOPES } from '../../src/oauth/oauth-scopes';
import {
  CLIENT_SCOPES,
  clientBody,
  formValuesOf,
  grantNames,
  linesOf,
  NEW_CLIENT,
  type OAuthClient,
  withWord,
} from './oauth-clients';

describe('CLIENT_SCOPES', () => {
  it('lists the scopes the server offers, in its order', () => {
    expect(CLIENT_SCOPES.map((scope) => scope.name)).toEqual([...OAUTH_SCOPES]);
  });
});

describe(linesOf.name, () => {
  it('takes one URI a line, trimmed, without blank lines', () => {
    expect(
      linesOf(' https://a.example/cb \r\n\n  \nhttp://localhost:3000/cb\n'),
    ).toEqual(['https://a.example/cb', 'http://localhost:3000/cb']);
    expect(linesOf('')).toEqual([]);
  });
});

describe(withWord.name, () => {
  const order = ['openid', 'profile', 'email'];

  it('adds and removes a word, keeping the listed order', () => {
    expect(withWord('email', 'openid', true, order)).toBe('openid email');
    expect(withWord('openid email', 'openid', false, order)).toBe('email');
    expect(withWord('openid', 'openid', true, order)).toBe('openid');
    expect(withWord('', 'profile', true, order)).toBe('profile');
  });
});

describe(clientBody.name, () => {
  it('turns the form into the RFC 7591 body', () => {
    expect(
      clientBody({
        ...NEW_CLIENT,
        client_name: '  Dashboard ',
        redirect_uris: 'https://d.example/cb\nhttps://d.example/cb2\n',
        scope: 'openid profile',
      }),
    ).toEqual({
      client_name: 'Dashboard',
      redirect_uris: ['https://d.example/cb', 'https://d.example/cb2'],
      grant_types: ['authorization_code', 'refresh_token'],
      scope: 'openid profile',
      token_endpoint_auth_method: 'client_secret_basic',
    });
  });

  it('drops client credentials for a public client', () => {
    expect(
      clientBody({
        ...NEW_CLIENT,
        grant_types: 'authorization_code client_credentials',
        token_endpoint_auth_method: 'none',
      }).grant_types,
    ).toEqual(['authorization_code']);
    expect(
      clientBody({
        ...NEW_CLIENT,
        grant_types: 'client_credentials',
        token_endpoint_auth_method: 'client_secret_post',
      }).grant_types,
    ).toEqual(['client_credentials']);
  });
});

describe(formValuesOf.name, () => {
  it('shows a registered client in the form, and sends it back unchanged', () => {
    const client: OAuthClient = {
      client_id: 'gh_x',
      client_id_issued_at: 0,
      client_name: 'Dashboard',
      redirect_uris: ['https://d.example/cb', 'https://d.example/cb2'],
      post_logout_redirect_uris: [],
      grant_types: ['authorization_code', 'refresh_token'],
      scope: 'openid email',
      token_endpoint_auth_method: 'client_secret_post',
      client_type: 'confidential',
      disabled: false,
      created_at: '',
      updated_at: '',
      created_by: null,
    };
    const values = formValuesOf(client);
    expect(values.redirect_uris).toBe(
      'https://d.example/cb\nhttps://d.example/cb2',
    );
    expect(clientBody(values)).toEqual({
      client_name: client.client_name,
      redirect_uris: client.redirect_uris,
      grant_types: client.grant_types,
      scope: client.scope,
      token_endpoint_auth_method: client.token_endpoint_auth_method,
    });
  });
});

describe(grantNames.name, () => {
  it('names the grants in words, and unknown ones as they are', () => {
    expect(
      grantNames([
        'authorization_code',
        'urn:ietf:params:oauth:grant-type:device_code',
        'other',
      ]),
    ).toBe('Authorization code, Device code, other');
  });
});

import { fakeFetch, json, refusal } from './fake-fetch';
import { Api, ApiError } from './api';
import {
  type LinkedIdentity,
  linkableProviders,
  linkedMessage,
  listProviders,
  loadSignInMethods,
  messageFromQuery,
  providerLinkUrl,
  providerStartUrl,
  setFirstPassword,
  unlinkIdentity,
} from './external-auth';

async function signedInApi(answers: Response[]) {
  const fake = fakeFetch([
    json(200, { user: { id: 'u1' }, csrf_token: 'csrf-1' }),
    ...answers,
  ]);
  const api = new Api(fake.fetch);
  await api.signIn('alice', 'pw');
  fake.calls.shift();
  return { api, calls: fake.calls };
}

const GITHUB: LinkedIdentity = {
  id: 'id/1',
  provider: 'github',
  display_name: 'GitHub',
  email: 'alice@example.com',
  linked_at: '2026-11-01T10:00:00.000Z',
};

describe(listProviders.name, () => {
  it('reads the configured providers', async () => {
    const { fetch, calls } = fakeFetch([
      json(200, [
        { name: 'github', display_name: 'GitHub' },
        { name: 'corp', display_name: 'Corp SSO' },
      ]),
    ]);
    await expect(listProviders(new Api(fetch))).resolves.toEqual([
      { name: 'github', display_name: 'GitHub' },
      { name: 'corp', display_name: 'Corp SSO' },
    ]);
    expect(calls.map((call) => [call.method, call.path])).toEqual([
      ['GET', '/api/auth/providers'],
    ]);
  });

  it('names a provider without a display name by its name, and drops nameless entries', async () => {
    const { fetch } = fakeFetch([
      json(200, [
        { name: 'corp', display_name: '  ' },
        { name: 'okta' },
        { display_name: 'No name' },
        { name: '' },
        null,
        'github',
      ]),
    ]);
    await expect(listProviders(new Api(fetch))).resolves.toEqual([
      { name: 'corp', display_name: 'corp' },
      { name: 'okta', display_name: 'okta' },
    ]);
  });

  it('offers no provider when the server has none, cannot say, or answers nonsense', async () => {
    const { fetch } = fakeFetch([
      json(200, []),
      refusal(404, 'Cannot GET /api/auth/providers'),
      json(200, { providers: [] }),
      // and then offline
    ]);
    const api = new Api(fetch);
    const unauthorized = jest.fn();
    api.onUnauthorized = unauthorized;
    for (let i = 0; i < 4; i += 1) {
      await expect(listProviders(api)).resolves.toEqual([]);
    }
    expect(unauthorized).not.toHaveBeenCalled();
  });
});

describe(providerStartUrl.name, () => {
  it('starts at the provider with the console page to come back to, encoded', () => {
    expect(providerStartUrl('github', { next: '/keys' })).toBe(
      '/api/auth/providers/github/start?next=%2Fkeys',
    );
    expect(providerStartUrl('corp', { next: '/keys?a=1&b=2#x' })).toBe(
      '/api/auth/providers/corp/start?next=%2Fkeys%3Fa%3D1%26b%3D2%23x',
    );
    expect(providerStartUrl('corp', { next: '/authorize/uid%2F1' })).toBe(
      '/api/auth/providers/corp/start?next=%2Fauthorize%2Fuid%252F1',
    );
  });

  it('never sends the browser on to another site or the API afterwards', () => {
    for (const bad of [
      'https://evil.example/',
      '//evil.example/',
      '/\\evil.example',
      '/api/logout/all',
      'javascript:alert(1)',
      '',
      null,
    ]) {
      expect(providerStartUrl('github', { next: bad })).toBe(
        '/api/auth/providers/github/start?next=%2Fprofile',
      );
    }
  });

  it('escapes the provider name into one path segment', () => {
    expect(providerStartUrl('a/../b?c', { next: '/profile' })).toBe(
      '/api/auth/providers/a%2F..%2Fb%3Fc/start?next=%2Fprofile',
    );
  });
});

describe(providerLinkUrl.name, () => {
  it('asks to link, and to come back to the sign-in methods page', () => {
    const url = new URL(
      providerLinkUrl('github', 'csrf-1'),
      'https://id.example',
    );
    expect(url.pathname).toBe('/api/auth/providers/github/start');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      link: '1',
      next: '/sign-in-methods',
      csrf: 'csrf-1',
    });
  });
});

describe('sign-in methods API', () => {
  it('lists the methods, unlinks by escaped id and sets a first password, with the CSRF token', async () => {
    const methods = { identities: [GITHUB], has_password: false };
    const { api, calls } = await signedInApi([
      json(200, methods),
      new Response(null, { status: 204 }),
      new Response(null, { status: 204 }),
    ]);
    await expect(loadSignInMethods(api)).resolves.toEqual(methods);
    await expect(unlinkIdentity(api, 'id/1')).resolves.toBeUndefined();
    await expect(
      setFirstPassword(api, 'a new password'),
    ).resolves.toBeUndefined();
    expect(calls.map((call) => [call.method, call.path])).toEqual([
      ['GET', '/api/auth/identities'],
      ['DELETE', '/api/auth/identities/id%2F1'],
      ['POST', '/api/auth/password'],
    ]);
    expect(calls[1].headers['x-csrf-token']).toBe('csrf-1');
    expect(calls[2].headers['x-csrf-token']).toBe('csrf-1');
    expect(calls[2].body).toEqual({ password: 'a new password' });
  });

  it('lets the refusal to unlink the last way to sign in through, with its message', async () => {
    const { api } = await signedInApi([
      refusal(
        409,
        'Unlinking this account would leave no way to sign in: set a password first',
      ),
    ]);
    const error = (await unlinkIdentity(api, 'id/1').catch(
      (e: unknown) => e,
    )) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(409);
    expect(error.message).toBe(
      'Unlinking this account would leave no way to sign in: set a password first',
    );
  });
});

describe(linkableProviders.name, () => {
  it('offers the configured providers not linked yet, in their order', () => {
    const providers = [
      { name: 'github', display_name: 'GitHub' },
      { name: 'google', display_name: 'Google' },
      { name: 'corp', display_name: 'Corp SSO' },
    ];
    expect(linkableProviders(providers, [GITHUB])).toEqual([
      { name: 'google', display_name: 'Google' },
      { name: 'corp', display_name: 'Corp SSO' },
    ]);
    expect(linkableProviders(providers, [])).toEqual(providers);
    expect(linkableProviders([], [GITHUB])).toEqual([]);
  });
});

describe(messageFromQuery.name, () => {
  it('reads the server’s message, trimmed', () => {
    expect(
      messageFromQuery(
        new URLSearchParams('error=The+provider+said%3A+access_denied+'),
        'error',
      ),
    ).toBe('The provider said: access_denied');
    expect(messageFromQuery(new URLSearchParams(''), 'error')).toBeNull();
    expect(messageFromQuery(new URLSearchParams('error=%20'), 'error')).toBe(
      null,
    );
  });

  it('keeps markup as the text it is, on one line, without direction overrides', () => {
    expect(
      messageFromQuery(
        new URLSearchParams({
          error: '<img src=x onerror=alert(1)>\n\nCall 555\u202e0123',
        }),
        'error',
      ),
    ).toBe('<img src=x onerror=alert(1)> Call 5550123');
  });

  it('keeps a message from the address short', () => {
    const message = messageFromQuery(
      new URLSearchParams({ error: 'x'.repeat(500) }),
      'error',
    );
    expect(message).toBe(`${'x'.repeat(200)}…`);
  });
});

describe(linkedMessage.name, () => {
  it('says a provider is linked, by its display name, only when it is', () => {
    expect(linkedMessage(new URLSearchParams('linked=github'), [GITHUB])).toBe(
      'Your GitHub account is linked: you can sign in with it from now on.',
    );
    // The address alone proves nothing.
    expect(
      linkedMessage(new URLSearchParams('linked=google'), [GITHUB]),
    ).toBeNull();
    expect(
      linkedMessage(new URLSearchParams('linked=Your+bank'), []),
    ).toBeNull();
    expect(linkedMessage(new URLSearchParams(''), [GITHUB])).toBeNull();
  });
});

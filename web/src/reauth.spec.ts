import { fakeFetch, json, refusal } from './fake-fetch';
import { Api } from './api';
import { reauthBody, reauthenticate, reauthMethods } from './reauth';

const FACTORS = {
  totp: { enabled: true, pending: false },
  recovery_codes: { remaining: 4 },
};

describe(reauthMethods.name, () => {
  it('offers the ways this account has', async () => {
    const { fetch, calls } = fakeFetch([
      json(200, { identities: [], has_password: true }),
      json(200, FACTORS),
      json(200, [{ id: 'p1' }]),
    ]);
    await expect(reauthMethods(new Api(fetch), true)).resolves.toEqual([
      'password',
      'totp',
      'recovery_code',
      'passkey',
    ]);
    expect(calls.map((call) => call.path).sort()).toEqual([
      '/api/auth/identities',
      '/api/passkeys',
      '/api/second-factors',
    ]);
  });

  it('leaves out what the account lacks, and passkeys in a browser without WebAuthn', async () => {
    const { fetch } = fakeFetch([
      json(200, { identities: [], has_password: false }),
      json(200, {
        totp: { enabled: false, pending: true },
        recovery_codes: { remaining: 0 },
      }),
      json(200, [{ id: 'p1' }]),
    ]);
    await expect(reauthMethods(new Api(fetch), true)).resolves.toEqual([
      'passkey',
    ]);
    const again = fakeFetch([
      json(200, { identities: [], has_password: true }),
      json(200, FACTORS),
      json(200, [{ id: 'p1' }]),
    ]);
    await expect(reauthMethods(new Api(again.fetch), false)).resolves.toEqual([
      'password',
      'totp',
      'recovery_code',
    ]);
  });

  it('offers everything when it cannot tell: the server has the last word', async () => {
    const { fetch } = fakeFetch([refusal(500, 'x')]);
    await expect(reauthMethods(new Api(fetch), true)).resolves.toEqual([
      'password',
      'totp',
      'recovery_code',
      'passkey',
    ]);
  });
});

describe(reauthBody.name, () => {
  it('makes the body for each typed answer, or says what is missing', () => {
    expect(reauthBody('password', ' pw ')).toEqual({
      body: { password: ' pw ' },
    });
    expect(reauthBody('password', '')).toEqual({
      problem: 'Enter your password.',
    });
    expect(reauthBody('totp', '123 456')).toEqual({ body: { code: '123456' } });
    expect(reauthBody('totp', '1234')).toEqual({
      problem: 'Enter the 6 digits your authenticator app shows.',
    });
    expect(reauthBody('recovery_code', ' abcde-fghij ')).toEqual({
      body: { recovery_code: 'abcde-fghij' },
    });
    expect(reauthBody('recovery_code', '')).toEqual({
      problem: 'Enter one of your recovery codes.',
    });
  });
});

describe(reauthenticate.name, () => {
  it('posts the answer with the CSRF token, and a wrong one is refused without asking again', async () => {
    const { fetch, calls } = fakeFetch([
      json(200, { user: { id: 'u1' }, csrf_token: 'csrf-1' }),
      new Response(null, { status: 204 }),
      refusal(403, 'password is incorrect'),
    ]);
    const api = new Api(fetch);
    const ask = jest.fn().mockResolvedValue(true);
    api.onReauthenticationRequired = ask;
    await api.signIn('alice', 'pw');
    await reauthenticate(api, { password: 'pw' });
    await expect(
      reauthenticate(api, { password: 'nope' }),
    ).rejects.toMatchObject({ status: 403, message: 'password is incorrect' });
    expect(ask).not.toHaveBeenCalled();
    expect(calls[1]).toMatchObject({
      method: 'POST',
      path: '/api/auth/reauthenticate',
      body: { password: 'pw' },
    });
    expect(calls[1].headers['x-csrf-token']).toBe('csrf-1');
  });
});

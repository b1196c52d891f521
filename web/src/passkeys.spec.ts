import { fakeFetch, json, refusal } from './fake-fetch';
import { Api } from './api';
import {
  addPasskey,
  deletePasskey,
  listPasskeys,
  passkeyErrorText,
  passkeyKind,
  type Passkey,
  reauthenticateWithPasskey,
  renamePasskey,
  signInWithPasskey,
} from './passkeys';

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

const PASSKEY: Passkey = {
  id: 'pk/1',
  name: 'Laptop',
  created_at: '2026-11-29T10:00:00.000Z',
  last_used_at: null,
  backed_up: false,
  device_type: 'singleDevice',
};
const CREATION = { challenge: 'c1', rp: { name: 'Gatehouse' } };
const REQUEST = { challenge: 'c2', allowCredentials: [] };
const REGISTRATION = { id: 'cred-1', type: 'public-key', response: {} };
const ASSERTION = { id: 'cred-1', type: 'public-key', response: {} };

describe(addPasskey.name, () => {
  it('asks for options, lets the browser make the passkey and saves it with its name', async () => {
    const { api, calls } = await signedInApi([
      json(200, { ceremony_id: 'cer-1', options: CREATION }),
      json(201, PASSKEY),
    ]);
    const register = jest.fn().mockResolvedValue(REGISTRATION);
    await expect(addPasskey(api, register, '  Laptop ')).resolves.toEqual(
      PASSKEY,
    );
    expect(register).toHaveBeenCalledWith({ optionsJSON: CREATION });
    expect(calls.map((call) => [call.method, call.path, call.body])).toEqual([
      ['POST', '/api/passkeys/registration-options', undefined],
      [
        'POST',
        '/api/passkeys',
        { ceremony_id: 'cer-1', credential: REGISTRATION, name: 'Laptop' },
      ],
    ]);
    expect(calls[1].headers['x-csrf-token']).toBe('csrf-1');
  });

  it('leaves the name to the server when none is given, and saves nothing when the browser refuses', async () => {
    const { api, calls } = await signedInApi([
      json(200, { ceremony_id: 'cer-1', options: CREATION }),
      json(201, PASSKEY),
      json(200, { ceremony_id: 'cer-2', options: CREATION }),
    ]);
    await addPasskey(api, jest.fn().mockResolvedValue(REGISTRATION), ' ');
    expect(calls[1].body).toEqual({
      ceremony_id: 'cer-1',
      credential: REGISTRATION,
    });
    const cancelled = Object.assign(new Error('closed'), {
      name: 'NotAllowedError',
    });
    await expect(
      addPasskey(api, jest.fn().mockRejectedValue(cancelled), 'x'),
    ).rejects.toBe(cancelled);
    expect(calls).toHaveLength(3);
  });
});

describe('the passkey list', () => {
  it('lists, renames and deletes by escaped id', async () => {
    const { api, calls } = await signedInApi([
      json(200, [PASSKEY]),
      json(200, { ...PASSKEY, name: 'Work laptop' }),
      new Response(null, { status: 204 }),
    ]);
    await expect(listPasskeys(api)).resolves.toEqual([PASSKEY]);
    await expect(renamePasskey(api, 'pk/1', ' Work laptop ')).resolves.toEqual({
      ...PASSKEY,
      name: 'Work laptop',
    });
    await deletePasskey(api, 'pk/1');
    expect(calls.map((call) => [call.method, call.path, call.body])).toEqual([
      ['GET', '/api/passkeys', undefined],
      ['PATCH', '/api/passkeys/pk%2F1', { name: 'Work laptop' }],
      ['DELETE', '/api/passkeys/pk%2F1', undefined],
    ]);
  });
});

describe(signInWithPasskey.name, () => {
  it('asks for discoverable options, then signs in with what the browser answered', async () => {
    const user = { id: 'u1', username: 'alice' };
    const { fetch, calls } = fakeFetch([
      json(200, { ceremony_id: 'cer-3', options: REQUEST }),
      json(200, { user, csrf_token: 'csrf-2' }),
      json(200, {}),
    ]);
    const api = new Api(fetch);
    const authenticate = jest.fn().mockResolvedValue(ASSERTION);
    await expect(signInWithPasskey(api, authenticate)).resolves.toEqual(user);
    expect(authenticate).toHaveBeenCalledWith({ optionsJSON: REQUEST });
    await api.post('/api/x');
    expect(calls.map((call) => [call.method, call.path, call.body])).toEqual([
      ['POST', '/api/passkeys/authentication-options', undefined],
      [
        'POST',
        '/api/session/passkey',
        { ceremony_id: 'cer-3', credential: ASSERTION },
      ],
      ['POST', '/api/x', undefined],
    ]);
    expect(calls[2].headers['x-csrf-token']).toBe('csrf-2');
  });

  it('treats an unknown passkey as an answer, not as a lost session', async () => {
    const { fetch } = fakeFetch([
      json(200, { ceremony_id: 'cer-3', options: REQUEST }),
      refusal(401, 'The passkey was not recognised'),
    ]);
    const api = new Api(fetch);
    const ended = jest.fn();
    api.onUnauthorized = ended;
    await expect(
      signInWithPasskey(api, jest.fn().mockResolvedValue(ASSERTION)),
    ).rejects.toMatchObject({ status: 401 });
    expect(ended).not.toHaveBeenCalled();
  });
});

describe(reauthenticateWithPasskey.name, () => {
  it('asks for options bound to the user and answers with the passkey', async () => {
    const { api, calls } = await signedInApi([
      json(200, { ceremony_id: 'cer-4', options: REQUEST }),
      new Response(null, { status: 204 }),
    ]);
    await reauthenticateWithPasskey(
      api,
      jest.fn().mockResolvedValue(ASSERTION),
    );
    expect(calls.map((call) => [call.method, call.path, call.body])).toEqual([
      ['POST', '/api/auth/reauthenticate/passkey-options', undefined],
      [
        'POST',
        '/api/auth/reauthenticate',
        { ceremony_id: 'cer-4', passkey: ASSERTION },
      ],
    ]);
  });
});

describe(passkeyErrorText.name, () => {
  it('says what the browser’s refusal means', () => {
    const named = (name: string, code?: string) =>
      Object.assign(new Error('x'), { name, code });
    expect(
      passkeyErrorText(
        named('InvalidStateError', 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED'),
      ),
    ).toBe('This device already holds a passkey for your account.');
    expect(
      passkeyErrorText(
        named('NotAllowedError', 'ERROR_PASSTHROUGH_SEE_CAUSE_PROPERTY'),
      ),
    ).toMatch(/^No passkey was used/);
    expect(passkeyErrorText(named('NotAllowedError'))).toMatch(
      /^No passkey was used/,
    );
    expect(passkeyErrorText(named('AbortError'))).toBe(
      'The passkey request was cancelled.',
    );
    expect(
      passkeyErrorText(named('SecurityError', 'ERROR_INVALID_RP_ID')),
    ).toContain('WEBAUTHN_RP_ID');
    expect(passkeyErrorText(new TypeError('Failed to fetch'))).toBe(
      'The server could not be reached. Check your connection and try again.',
    );
    expect(passkeyErrorText(named('UnknownError'))).toBe(
      'The passkey could not be used. Try again, or use another way.',
    );
  });

  it('gives the server’s words for its refusal', async () => {
    const { api } = await signedInApi([
      refusal(400, 'The passkey could not be verified: origin mismatch'),
    ]);
    const error = await api.post('/api/passkeys', {}).catch((e: unknown) => e);
    expect(passkeyErrorText(error)).toBe(
      'The passkey could not be verified: origin mismatch',
    );
  });
});

describe(passkeyKind.name, () => {
  it('tells synced passkeys from single-device ones', () => {
    expect(passkeyKind(PASSKEY)).toBe('On one device');
    expect(passkeyKind({ ...PASSKEY, backed_up: true })).toBe('Synced passkey');
    expect(passkeyKind({ ...PASSKEY, device_type: 'multiDevice' })).toBe(
      'Synced passkey',
    );
  });
});

import { fakeFetch, json } from './fake-fetch';
import {
  Api,
  ApiError,
  fieldErrors,
  isReauthenticationRequired,
  parseRetryAfter,
  REAUTHENTICATION_CANCELLED,
} from './api';

const USER = { id: 'u1', username: 'alice', roles: ['user'] };

describe(Api.name, () => {
  it('keeps the CSRF token from sign-in and sends it on writes only', async () => {
    const { fetch, calls } = fakeFetch([
      json(200, { user: USER, csrf_token: 'csrf-1' }),
      json(200, []),
      json(200, { user: USER }),
      new Response(null, { status: 204 }),
    ]);
    const api = new Api(fetch);
    await expect(api.signIn('alice', 'pw')).resolves.toEqual({
      kind: 'signed-in',
      user: USER,
    });
    await api.get('/api/sessions');
    await api.patch('/api/profile', { first_name: 'A' });
    await expect(api.delete('/api/session')).resolves.toBeUndefined();

    expect(
      calls.map((call) => [
        call.method,
        call.path,
        call.headers['x-csrf-token'],
      ]),
    ).toEqual([
      ['POST', '/api/session', undefined],
      ['GET', '/api/sessions', undefined],
      ['PATCH', '/api/profile', 'csrf-1'],
      ['DELETE', '/api/session', 'csrf-1'],
    ]);
    expect(calls[0].body).toEqual({ username: 'alice', password: 'pw' });
    expect(calls[2].headers['content-type']).toBe('application/json');
  });

  it('recovers a lost CSRF token from GET /api/session and retries the write once', async () => {
    const refusal = {
      statusCode: 403,
      error: 'Forbidden',
      message: "This request needs the session's X-CSRF-Token header",
    };
    const { fetch, calls } = fakeFetch([
      json(403, refusal),
      json(200, { user: USER, csrf_token: 'csrf-2' }),
      json(201, { id: 'k1' }),
    ]);
    const api = new Api(fetch);
    await expect(api.post('/api/api-keys', { name: 'n' })).resolves.toEqual({
      id: 'k1',
    });
    expect(
      calls.map((call) => [
        call.method,
        call.path,
        call.headers['x-csrf-token'],
      ]),
    ).toEqual([
      ['POST', '/api/api-keys', undefined],
      ['GET', '/api/session', undefined],
      ['POST', '/api/api-keys', 'csrf-2'],
    ]);
  });

  it('does not retry a second CSRF refusal, nor any other 403', async () => {
    const refusal = {
      statusCode: 403,
      error: 'Forbidden',
      message: 'needs X-CSRF-Token',
    };
    const { fetch, calls } = fakeFetch([
      json(403, refusal),
      json(200, { user: USER, csrf_token: 'csrf-2' }),
      json(403, refusal),
      json(403, { statusCode: 403, error: 'Forbidden', message: 'admin only' }),
    ]);
    const api = new Api(fetch);
    await expect(api.post('/api/x')).rejects.toMatchObject({ status: 403 });
    await expect(api.post('/api/y')).rejects.toMatchObject({
      message: 'admin only',
    });
    expect(calls).toHaveLength(4);
  });

  it('reports a 401 as the end of the session and forgets the token', async () => {
    const { fetch, calls } = fakeFetch([
      json(200, { user: USER, csrf_token: 'csrf-1' }),
      json(401, {
        statusCode: 401,
        error: 'Unauthorized',
        message: 'Invalid or expired session',
      }),
      json(201, {}),
    ]);
    const api = new Api(fetch);
    const ended = jest.fn();
    api.onUnauthorized = ended;
    await api.signIn('alice', 'pw');
    await expect(api.get('/api/sessions')).rejects.toBeInstanceOf(ApiError);
    expect(ended).toHaveBeenCalledTimes(1);
    await api.post('/api/anything');
    expect(calls[2].headers['x-csrf-token']).toBeUndefined();
  });

  it('treats a wrong password as an answer, not as a lost session', async () => {
    const { fetch } = fakeFetch([
      json(401, {
        statusCode: 401,
        error: 'Unauthorized',
        message: 'Invalid username or password',
      }),
    ]);
    const api = new Api(fetch);
    const ended = jest.fn();
    api.onUnauthorized = ended;
    const error = (await api
      .signIn('alice', 'nope')
      .catch((e: unknown) => e)) as ApiError;
    expect(error.messages).toEqual(['Invalid username or password']);
    expect(ended).not.toHaveBeenCalled();
  });

  it('reads Retry-After from a refused sign-in', async () => {
    const { fetch } = fakeFetch([
      json(
        429,
        {
          statusCode: 429,
          error: 'Too Many Requests',
          message: 'Too many failed logins',
        },
        { 'retry-after': '90' },
      ),
    ]);
    const error = (await new Api(fetch)
      .signIn('a', 'b')
      .catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(429);
    expect(error.retryAfterSeconds).toBe(90);
  });

  it('resumes a session after a reload, or says there is none', async () => {
    const { fetch, calls } = fakeFetch([
      json(200, { user: USER, csrf_token: 'csrf-3' }),
      json(200, {}),
      json(401, { statusCode: 401, error: 'Unauthorized', message: 'no' }),
    ]);
    const api = new Api(fetch);
    const ended = jest.fn();
    api.onUnauthorized = ended;
    await expect(api.resume()).resolves.toEqual(USER);
    await api.patch('/api/profile', {});
    expect(calls[1].headers['x-csrf-token']).toBe('csrf-3');
    await expect(api.resume()).resolves.toBeNull();
    expect(ended).not.toHaveBeenCalled();
  });

  it('keeps validation messages as a list, and names the status when the body is not JSON', async () => {
    const { fetch } = fakeFetch([
      json(400, {
        statusCode: 400,
        error: 'Bad Request',
        message: ['name must be a string', 'x'],
      }),
      new Response('<html>bad gateway</html>', { status: 502 }),
    ]);
    const api = new Api(fetch);
    const invalid = (await api
      .post('/api/a', {})
      .catch((e: unknown) => e)) as ApiError;
    expect(invalid.messages).toEqual(['name must be a string', 'x']);
    const gateway = (await api
      .get('/api/b')
      .catch((e: unknown) => e)) as ApiError;
    expect(gateway.messages).toEqual(['The server answered 502.']);
  });

  it('lets a network failure through as it is', async () => {
    const { fetch } = fakeFetch([]);
    await expect(new Api(fetch).get('/api/x')).rejects.toBeInstanceOf(
      TypeError,
    );
  });
});

describe('signing in with a second factor', () => {
  const CHALLENGE = {
    second_factor_required: true,
    challenge_token: 'challenge-1',
    expires_in: 300,
    methods: ['totp', 'recovery_code', 'passkey'],
    passkey_options: { challenge: 'abc', allowCredentials: [] },
  };

  it('answers the challenge instead of a user, and keeps no CSRF token yet', async () => {
    const { fetch, calls } = fakeFetch([json(200, CHALLENGE), json(201, {})]);
    const api = new Api(fetch);
    const before = Date.now();
    const result = await api.signIn('alice', 'pw');
    expect(result).toEqual({
      kind: 'second-factor',
      challenge: {
        token: 'challenge-1',
        expiresAt: expect.any(Number),
        methods: ['totp', 'recovery_code', 'passkey'],
        passkeyOptions: { challenge: 'abc', allowCredentials: [] },
      },
    });
    if (result.kind !== 'second-factor') {
      throw new Error('no challenge');
    }
    expect(result.challenge.expiresAt).toBeGreaterThanOrEqual(before + 300_000);
    expect(result.challenge.expiresAt).toBeLessThanOrEqual(
      Date.now() + 300_000,
    );
    await api.post('/api/anything');
    expect(calls[1].headers['x-csrf-token']).toBeUndefined();
  });

  it('completes the sign-in with a code, a wrong code being an answer and not a lost session', async () => {
    const { fetch, calls } = fakeFetch([
      json(200, { ...CHALLENGE, passkey_options: null, methods: ['totp'] }),
      json(401, {
        statusCode: 401,
        error: 'Unauthorized',
        message: 'code is incorrect',
      }),
      json(200, { user: USER, csrf_token: 'csrf-9' }),
      json(200, {}),
    ]);
    const api = new Api(fetch);
    const ended = jest.fn();
    api.onUnauthorized = ended;
    const result = await api.signIn('alice', 'pw');
    if (result.kind !== 'second-factor') {
      throw new Error('no challenge');
    }
    expect(result.challenge.passkeyOptions).toBeNull();
    await expect(
      api.completeSignIn(result.challenge, { code: '000000' }),
    ).rejects.toMatchObject({ status: 401, message: 'code is incorrect' });
    expect(ended).not.toHaveBeenCalled();
    await expect(
      api.completeSignIn(result.challenge, { recovery_code: 'abcde-fghij' }),
    ).resolves.toEqual(USER);
    await api.patch('/api/profile', {});
    expect(calls.map((call) => [call.method, call.path, call.body])).toEqual([
      ['POST', '/api/session', { username: 'alice', password: 'pw' }],
      [
        'POST',
        '/api/session/second-factor',
        { challenge_token: 'challenge-1', code: '000000' },
      ],
      [
        'POST',
        '/api/session/second-factor',
        { challenge_token: 'challenge-1', recovery_code: 'abcde-fghij' },
      ],
      ['PATCH', '/api/profile', {}],
    ]);
    expect(calls[3].headers['x-csrf-token']).toBe('csrf-9');
  });

  it('signs in with a passkey alone and keeps the session’s CSRF token', async () => {
    const { fetch, calls } = fakeFetch([
      json(200, { user: USER, csrf_token: 'csrf-p' }),
      json(200, {}),
    ]);
    const api = new Api(fetch);
    const credential = { id: 'cred', type: 'public-key' } as never;
    await expect(
      api.signInWithPasskey('ceremony-1', credential),
    ).resolves.toEqual(USER);
    await api.post('/api/x');
    expect(calls[0]).toMatchObject({
      method: 'POST',
      path: '/api/session/passkey',
      body: { ceremony_id: 'ceremony-1', credential },
    });
    expect(calls[1].headers['x-csrf-token']).toBe('csrf-p');
  });
});

describe('re-authentication', () => {
  const REAUTH = {
    statusCode: 403,
    error: 'Forbidden',
    message:
      'This action needs a recent sign-in: POST /api/auth/reauthenticate, then retry',
    reason: 'reauthentication_required',
  };

  it('asks, then retries the refused action once with the same body', async () => {
    const { fetch, calls } = fakeFetch([
      json(403, REAUTH),
      new Response(null, { status: 204 }),
    ]);
    const api = new Api(fetch);
    const ask = jest.fn().mockResolvedValue(true);
    api.onReauthenticationRequired = ask;
    await expect(
      api.request('DELETE', '/api/second-factors/totp', { code: '1' }),
    ).resolves.toBeUndefined();
    expect(ask).toHaveBeenCalledTimes(1);
    expect(calls.map((call) => [call.method, call.path, call.body])).toEqual([
      ['DELETE', '/api/second-factors/totp', { code: '1' }],
      ['DELETE', '/api/second-factors/totp', { code: '1' }],
    ]);
  });

  it('gives the refusal to the caller when the person gives up, or when refused again', async () => {
    const { fetch, calls } = fakeFetch([
      json(403, REAUTH),
      json(403, REAUTH),
      json(403, REAUTH),
    ]);
    const api = new Api(fetch);
    api.onReauthenticationRequired = jest
      .fn()
      .mockResolvedValueOnce(false)
      .mockResolvedValueOnce(true);
    const gaveUp = (await api
      .post('/api/x')
      .catch((e: unknown) => e)) as ApiError;
    expect(isReauthenticationRequired(gaveUp)).toBe(true);
    expect(gaveUp.message).toBe(REAUTHENTICATION_CANCELLED);
    await expect(api.post('/api/y')).rejects.toMatchObject({ status: 403 });
    expect(calls).toHaveLength(3);
  });

  it('asks once for actions refused together', async () => {
    const { fetch } = fakeFetch([
      json(403, REAUTH),
      json(403, REAUTH),
      json(200, { a: 1 }),
      json(200, { b: 2 }),
    ]);
    const api = new Api(fetch);
    let answer: (value: boolean) => void = () => undefined;
    const ask = jest.fn(
      () => new Promise<boolean>((resolve) => (answer = resolve)),
    );
    api.onReauthenticationRequired = ask;
    const both = Promise.all([api.post('/api/a'), api.post('/api/b')]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    answer(true);
    await expect(both).resolves.toEqual([{ a: 1 }, { b: 2 }]);
    expect(ask).toHaveBeenCalledTimes(1);
  });

  it('lets the server’s words through when no page can ask', async () => {
    const { fetch } = fakeFetch([json(403, REAUTH)]);
    await expect(new Api(fetch).post('/api/x')).rejects.toMatchObject({
      message: REAUTH.message,
    });
  });

  it('does not take any other 403 for a request to re-authenticate', async () => {
    const { fetch } = fakeFetch([
      json(403, {
        statusCode: 403,
        error: 'Forbidden',
        message: 'password is incorrect',
      }),
    ]);
    const api = new Api(fetch);
    const ask = jest.fn().mockResolvedValue(true);
    api.onReauthenticationRequired = ask;
    await expect(api.post('/api/auth/reauthenticate')).rejects.toMatchObject({
      message: 'password is incorrect',
    });
    expect(ask).not.toHaveBeenCalled();
  });
});

describe(parseRetryAfter.name, () => {
  it('reads seconds and HTTP dates, and nothing else', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:01:30 GMT', now)).toBe(90);
    expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});

describe(fieldErrors.name, () => {
  it('puts each message beside the field it starts with, and keeps the rest for the form', () => {
    expect(
      fieldErrors(
        [
          'username must be 3 to 32 characters',
          'password must be at least 8 characters',
          'first_name must be shorter',
          'username is already taken',
          'Something else',
          'passwords differ',
        ],
        ['username', 'password', 'first_name'],
      ),
    ).toEqual({
      byField: {
        username: [
          'username must be 3 to 32 characters',
          'username is already taken',
        ],
        password: ['password must be at least 8 characters'],
        first_name: ['first_name must be shorter'],
      },
      other: ['Something else', 'passwords differ'],
    });
  });
});

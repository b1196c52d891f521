import { fakeFetch, json, refusal } from './fake-fetch';
import { Api, ApiError } from './api';
import {
  clientLabel,
  deviceOutcome,
  deviceVerificationUrl,
  disconnectGrant,
  finishInteraction,
  interactionPath,
  interactionProblem,
  listGrants,
  loadInteraction,
  normalizeUserCode,
  redirectTarget,
  UnsafeRedirectError,
} from './oauth';

const INTERACTION = {
  uid: 'uid/1',
  prompt: 'consent',
  client: { client_id: 'gh_abc', client_name: 'Photo Printer' },
  scopes: [{ name: 'data:read', description: 'Read your data' }],
  user: { id: 'u1', username: 'alice' },
};

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

describe(interactionPath.name, () => {
  it('escapes the uid and appends the action', () => {
    expect(interactionPath('a/b?c', 'details')).toBe(
      '/api/oauth/interactions/a%2Fb%3Fc/details',
    );
    expect(interactionPath('x', 'deny')).toBe('/api/oauth/interactions/x/deny');
  });
});

describe(loadInteraction.name, () => {
  it('reads the interaction with the same-origin cookies (its cookie is bound to that path)', async () => {
    const { fetch, calls } = fakeFetch([json(200, INTERACTION)]);
    await expect(loadInteraction(new Api(fetch), 'uid/1')).resolves.toEqual(
      INTERACTION,
    );
    expect(calls).toEqual([
      expect.objectContaining({
        method: 'GET',
        path: '/api/oauth/interactions/uid%2F1/details',
        credentials: 'same-origin',
      }),
    ]);
  });

  it('rejects with the API error so the page can say why', async () => {
    const { fetch } = fakeFetch([
      refusal(404, 'Interaction unknown or expired'),
    ]);
    const error = (await loadInteraction(new Api(fetch), 'x').catch(
      (e: unknown) => e,
    )) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(404);
  });
});

describe(finishInteraction.name, () => {
  it.each(['login', 'consent', 'deny'] as const)(
    'POSTs %s with the CSRF token and returns redirectTo',
    async (action) => {
      const { api, calls } = await signedInApi([
        json(200, { redirectTo: 'http://localhost:3000/oauth/authorize/u1' }),
      ]);
      await expect(finishInteraction(api, 'u1', action)).resolves.toBe(
        'http://localhost:3000/oauth/authorize/u1',
      );
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatchObject({
        method: 'POST',
        path: `/api/oauth/interactions/u1/${action}`,
      });
      expect(calls[0].headers['x-csrf-token']).toBe('csrf-1');
    },
  );

  it('refuses an answer without a redirectTo', async () => {
    const { api } = await signedInApi([
      json(200, {}),
      json(200, { redirectTo: 7 }),
    ]);
    await expect(finishInteraction(api, 'u', 'consent')).rejects.toBeInstanceOf(
      UnsafeRedirectError,
    );
    await expect(finishInteraction(api, 'u', 'consent')).rejects.toBeInstanceOf(
      UnsafeRedirectError,
    );
  });
});

describe(redirectTarget.name, () => {
  const base = 'https://id.example/authorize/u1';

  it('resolves paths against the page and keeps absolute web addresses', () => {
    expect(redirectTarget('/oauth/authorize/u1', base)).toBe(
      'https://id.example/oauth/authorize/u1',
    );
    expect(redirectTarget('https://app.example/cb?code=x', base)).toBe(
      'https://app.example/cb?code=x',
    );
    expect(redirectTarget('http://localhost:8080/cb', base)).toBe(
      'http://localhost:8080/cb',
    );
  });

  it('never navigates to a script or data URL', () => {
    for (const bad of [
      'javascript:alert(1)',
      ' JavaScript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:x',
    ]) {
      expect(() => redirectTarget(bad, base)).toThrow(UnsafeRedirectError);
    }
  });
});

describe(interactionProblem.name, () => {
  const apiError = (status: number, message: string, retryAfter?: number) =>
    new ApiError(
      status,
      { statusCode: status, error: 'Error', message },
      retryAfter ?? null,
    );

  it('says an unknown or expired request is over, with the server’s words', () => {
    expect(
      interactionProblem(apiError(404, 'Interaction unknown or expired')),
    ).toEqual({
      title: 'This request has expired',
      text: expect.stringContaining(
        'Go back to the app you came from',
      ) as string,
      detail: 'Interaction unknown or expired',
      next: 'start-over',
    });
  });

  it('says a request from another browser cannot go on here', () => {
    const problem = interactionProblem(
      apiError(400, 'This interaction was started in another browser'),
    );
    expect(problem.title).toBe('This request cannot go on here');
    expect(problem.text).toContain('another browser');
    expect(problem.next).toBe('start-over');
    expect(problem.detail).toBe(
      'This interaction was started in another browser',
    );
  });

  it('asks to sign in again after a lost session', () => {
    expect(interactionProblem(apiError(401, 'no session')).next).toBe(
      'sign-in',
    );
  });

  it('offers to try again after a network failure, a server error or a rate limit', () => {
    const offline = interactionProblem(new TypeError('Failed to fetch'));
    expect(offline).toMatchObject({
      title: 'The server could not be reached',
      next: 'retry',
    });
    expect(interactionProblem(apiError(503, 'busy')).next).toBe('retry');
    expect(interactionProblem(apiError(429, 'slow down', 30))).toMatchObject({
      text: 'Too many attempts. Try again in 30 seconds.',
      next: 'retry',
    });
    expect(interactionProblem(apiError(403, 'no')).next).toBe('start-over');
  });

  it('does not follow a missing or unsafe redirect', () => {
    expect(interactionProblem(new UnsafeRedirectError()).next).toBe(
      'start-over',
    );
  });
});

describe(clientLabel.name, () => {
  it('names the app, or gives its id when it has no name', () => {
    expect(clientLabel({ client_id: 'gh_1', client_name: 'Printer' })).toBe(
      'Printer',
    );
    expect(clientLabel({ client_id: 'gh_1', client_name: null })).toBe('gh_1');
    expect(clientLabel({ client_id: 'gh_1', client_name: '  ' })).toBe('gh_1');
  });
});

describe('connected apps', () => {
  it('lists the grants, then disconnects one by its escaped id', async () => {
    const grants = [
      {
        grant_id: 'g/1',
        client_id: 'gh_abc',
        client_name: 'Photo Printer',
        scopes: [{ name: 'openid', description: 'Know who you are' }],
        created_at: '2026-11-01T10:00:00.000Z',
      },
    ];
    const { api, calls } = await signedInApi([
      json(200, grants),
      new Response(null, { status: 204 }),
    ]);
    await expect(listGrants(api)).resolves.toEqual(grants);
    await expect(disconnectGrant(api, 'g/1')).resolves.toBeUndefined();
    expect(calls.map((call) => [call.method, call.path])).toEqual([
      ['GET', '/api/oauth/grants'],
      ['DELETE', '/api/oauth/grants/g%2F1'],
    ]);
    expect(calls[1].headers['x-csrf-token']).toBe('csrf-1');
  });

  it('lets a refused disconnect through for the confirmation to show', async () => {
    const { api } = await signedInApi([refusal(404, 'Grant not found')]);
    await expect(disconnectGrant(api, 'gone')).rejects.toMatchObject({
      status: 404,
      message: 'Grant not found',
    });
  });
});

describe(normalizeUserCode.name, () => {
  it('takes the code with or without the dash, in any case, and upper-cases it', () => {
    expect(normalizeUserCode('bcdf-ghjk')).toEqual({ code: 'BCDF-GHJK' });
    expect(normalizeUserCode('BCDFGHJK')).toEqual({ code: 'BCDF-GHJK' });
    expect(normalizeUserCode('  bcdf ghjk ')).toEqual({ code: 'BCDF-GHJK' });
    expect(normalizeUserCode('bc-df-gh-jk')).toEqual({ code: 'BCDF-GHJK' });
    // Another length (a configured mask): kept as typed, without separators.
    expect(normalizeUserCode('123-456')).toEqual({ code: '123456' });
  });

  it('refuses an empty code or other characters, saying what a code looks like', () => {
    expect(normalizeUserCode(' - ')).toEqual({
      error: 'Enter the code your device shows.',
    });
    expect(normalizeUserCode('BCDF/GHJK')).toEqual({
      error: 'The code has letters and digits only, like BCDF-GHJK.',
    });
  });
});

describe(deviceVerificationUrl.name, () => {
  it('hands the code to the provider’s verification endpoint', () => {
    expect(deviceVerificationUrl('BCDF-GHJK')).toBe(
      '/oauth/device?user_code=BCDF-GHJK',
    );
    expect(deviceVerificationUrl('A&B=C')).toBe(
      '/oauth/device?user_code=A%26B%3DC',
    );
  });
});

describe(deviceOutcome.name, () => {
  it('reads done and the server’s message from the query', () => {
    expect(deviceOutcome(new URLSearchParams('done=1'))).toEqual({
      done: true,
      error: null,
    });
    expect(
      deviceOutcome(new URLSearchParams('error=The+code+has+expired')),
    ).toEqual({ done: false, error: 'The code has expired' });
    expect(deviceOutcome(new URLSearchParams('error=%20&done=0'))).toEqual({
      done: false,
      error: null,
    });
  });

  it('keeps a message from the address short', () => {
    const long = 'x'.repeat(500);
    const { error } = deviceOutcome(new URLSearchParams({ error: long }));
    expect(error).toBe(`${'x'.repeat(200)}…`);
  });
});

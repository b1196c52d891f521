// One guard, four schemes: the same rules whatever the credential. A route authenticates a
// request that presents valid credentials of its schemes only; an invalid credential is a 401
// even beside a valid one; and the handler sees the same AuthenticatedUser shape every time.
import { Controller, Get, Module } from '@nestjs/common';
import type { Response } from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import type { AuthenticatedUser } from '../src/auth/authenticated-user';
import { Auth } from '../src/auth/decorators/auth.decorator';
import { CurrentUser } from '../src/auth/decorators/current-user.decorator';
import { createTestApp, type TestApp } from './support/app';
import { registerUser } from './support/factories';
import { apiKey, basic, bearer, dataFor } from './support/http';

@Controller('whoami')
class WhoAmI {
  @Get()
  @Auth('api-key', 'basic', 'jwt', 'session')
  who(@CurrentUser() u: AuthenticatedUser) {
    return u;
  }
}

@Module({ controllers: [WhoAmI] })
class WhoAmIModule {}

type Scheme = 'api-key' | 'basic' | 'jwt' | 'session';
type Headers = Record<string, string>;

/** Everything one user can authenticate with, one credential per scheme. */
interface Holder {
  id: string;
  username: string;
  password: string;
  accessToken: string;
  key: { id: string; key: string; scopes: string[] };
  sid: string;
}

const ADMIN = { username: 'chief', password: 'chief-password-1' };
const KEY_SCOPES = ['data:read', 'reports:write'];

const API_KEY_CHALLENGE = 'ApiKey header="X-API-Key"';
const BASIC_CHALLENGE = 'Basic realm="gatehouse", charset="UTF-8"';
const BEARER_CHALLENGE = 'Bearer realm="gatehouse"';
const REJECTED_BEARER_CHALLENGE =
  'Bearer realm="gatehouse", error="invalid_token", error_description="The access token is invalid, expired or revoked"';
const COOKIE_CHALLENGE = 'Cookie realm="gatehouse", cookie-name="sid"';
/**
 * GET /api/data's challenges, in the order of its @Auth('api-key', 'basic', 'jwt', 'session',
 * 'oauth'): jwt and oauth share the one Bearer challenge; DPoP comes last.
 */
/** Beside oauth's Bearer: a DPoP-bound OAuth token may be sent too (RFC 9449 §7.1). */
const DPOP_CHALLENGE = 'DPoP algs="ES256 EdDSA"';
const DATA_CHALLENGES = [
  API_KEY_CHALLENGE,
  BASIC_CHALLENGE,
  BEARER_CHALLENGE,
  COOKIE_CHALLENGE,
  DPOP_CHALLENGE,
];
const DATA_CHALLENGES_REJECTED_BEARER = [
  API_KEY_CHALLENGE,
  BASIC_CHALLENGE,
  REJECTED_BEARER_CHALLENGE,
  COOKIE_CHALLENGE,
  DPOP_CHALLENGE,
];

const FAILURE: Record<Scheme, string> = {
  'api-key': 'Invalid, expired or revoked API key',
  basic: 'Invalid username or password',
  jwt: 'Invalid, expired or revoked access token',
  session: 'Invalid or expired session',
};

const SCHEMES: Scheme[] = ['api-key', 'basic', 'jwt', 'session'];

const valid: Record<Scheme, (h: Holder) => Headers> = {
  'api-key': (h) => apiKey(h.key.key),
  basic: (h) => basic(h.username, h.password),
  jwt: (h) => bearer(h.accessToken),
  session: (h) => ({ Cookie: `sid=${h.sid}` }),
};

const invalid: Record<Scheme, (h: Holder) => Headers> = {
  // The right key id with another secret of the right shape.
  'api-key': (h) => apiKey(`gkey_${h.key.id}_${'A'.repeat(43)}`),
  basic: (h) => basic(h.username, `${h.password}-wrong`),
  // The holder's token with its payload rewritten: the signature no longer matches.
  jwt: (h) => bearer(tampered(h.accessToken)),
  session: () => ({ Cookie: 'sid=this-session-was-never-issued' }),
};

/** The WWW-Authenticate values of a response, one per header line, in order. */
function challenges(response: Response): string[] {
  const raw = (response as Response & { res: { rawHeaders: string[] } }).res
    .rawHeaders;
  const values: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].toLowerCase() === 'www-authenticate') {
      values.push(raw[i + 1]);
    }
  }
  return values;
}

function jwtPayload(token: string): Record<string, unknown> {
  return JSON.parse(
    Buffer.from(token.split('.')[1], 'base64url').toString('utf8'),
  ) as Record<string, unknown>;
}

function tampered(token: string): string {
  const [header, , signature] = token.split('.');
  const payload = { ...jwtPayload(token), roles: ['admin', 'user'] };
  const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${header}.${encoded}.${signature}`;
}

function unauthorized(message: string) {
  return { statusCode: 401, error: 'Unauthorized', message };
}

async function holderOf(
  http: TestAgent,
  username: string,
  password: string,
): Promise<Holder> {
  const login = await http
    .post('/api/login')
    .send({ username, password })
    .expect(200);
  const accessToken = login.body.access_token as string;
  const created = await http
    .post('/api/api-keys')
    .set(bearer(accessToken))
    .send({ name: 'schemes test', scopes: KEY_SCOPES })
    .expect(201);
  const session = await http
    .post('/api/session')
    .send({ username, password })
    .expect(200);
  const setCookie = ([] as string[]).concat(
    session.headers['set-cookie'] ?? [],
  );
  const sid = /(?:^|;\s*)sid=([^;]*)/.exec(
    setCookie.find((c) => c.startsWith('sid=')) ?? '',
  )?.[1];
  if (!sid) {
    throw new Error(`no sid cookie in ${JSON.stringify(setCookie)}`);
  }
  return {
    id: session.body.user.id,
    username,
    password,
    accessToken,
    key: { id: created.body.id, key: created.body.key, scopes: KEY_SCOPES },
    sid,
  };
}

describe('one authentication guard across api-key, basic, jwt and session', () => {
  let t: TestApp;
  let http: TestAgent;
  let alice: Holder;
  let bob: Holder;
  let admin: Holder;

  beforeAll(async () => {
    t = await createTestApp({
      env: { ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password },
      imports: [WhoAmIModule],
    });
    http = t.http;
    // Every user, key and session of this file is made here: the admin stats count them.
    const a = await registerUser(http);
    const b = await registerUser(http);
    alice = await holderOf(http, a.username, a.password);
    bob = await holderOf(http, b.username, b.password);
    admin = await holderOf(http, ADMIN.username, ADMIN.password);
  });

  afterAll(() => t.close());

  describe('GET /api/data (api-key, basic, jwt, session)', () => {
    it.each(SCHEMES)(
      'answers 200 to a valid %s credential alone',
      async (s) => {
        const response = await http
          .get('/api/data')
          .set(valid[s](alice))
          .expect(200);
        expect(response.body).toEqual(dataFor(alice.username));
      },
    );

    it.each(SCHEMES)(
      'answers 401 to an invalid %s credential alone',
      async (s) => {
        const response = await http
          .get('/api/data')
          .set(invalid[s](alice))
          .expect(401);
        expect(response.body).toEqual(unauthorized(FAILURE[s]));
      },
    );

    it('answers 401 with one challenge per scheme, in the route’s order, when nothing is presented', async () => {
      const response = await http.get('/api/data').expect(401);
      expect(response.body).toEqual(unauthorized('Authentication required'));
      expect(challenges(response)).toEqual(DATA_CHALLENGES);
    });

    it('marks the Bearer challenge invalid_token when the rejected credential is a bearer token', async () => {
      const response = await http
        .get('/api/data')
        .set(invalid.jwt(alice))
        .expect(401);
      expect(challenges(response)).toEqual(DATA_CHALLENGES_REJECTED_BEARER);
    });

    it('reads the Bearer scheme in any case', async () => {
      const response = await http
        .get('/api/data')
        .set({ Authorization: `bearer ${alice.accessToken}` })
        .expect(200);
      expect(response.body).toEqual(dataFor(alice.username));
    });

    it('refuses a valid token followed by anything else, as RFC 6750 allows only the token', async () => {
      const response = await http
        .get('/api/data')
        .set({ Authorization: `Bearer ${alice.accessToken} extra` })
        .expect(401);
      expect(response.body).toEqual(unauthorized(FAILURE.jwt));
      expect(challenges(response)).toEqual(DATA_CHALLENGES_REJECTED_BEARER);
    });

    it.each(['api-key', 'basic', 'session'] as const)(
      'keeps the Bearer challenge plain when the rejected credential is %s',
      async (s) => {
        const response = await http
          .get('/api/data')
          .set(invalid[s](alice))
          .expect(401);
        expect(response.body.message).toBe(FAILURE[s]);
        expect(challenges(response)).toEqual(DATA_CHALLENGES);
      },
    );

    const mixed: [string, (h: Holder) => Headers, Scheme][] = [
      [
        'a bad bearer token beside a good API key',
        (h) => ({ ...invalid.jwt(h), ...valid['api-key'](h) }),
        'jwt',
      ],
      [
        'a good bearer token beside a bad API key',
        (h) => ({ ...valid.jwt(h), ...invalid['api-key'](h) }),
        'api-key',
      ],
      [
        'good Basic credentials beside a bad API key',
        (h) => ({ ...valid.basic(h), ...invalid['api-key'](h) }),
        'api-key',
      ],
      [
        'bad Basic credentials beside a good API key',
        (h) => ({ ...invalid.basic(h), ...valid['api-key'](h) }),
        'basic',
      ],
      [
        'a good API key beside a bad sid cookie',
        (h) => ({ ...valid['api-key'](h), ...invalid.session(h) }),
        'session',
      ],
      [
        'a bad bearer token beside a good sid cookie',
        (h) => ({ ...invalid.jwt(h), ...valid.session(h) }),
        'jwt',
      ],
      [
        'good Basic credentials beside a bad sid cookie',
        (h) => ({ ...valid.basic(h), ...invalid.session(h) }),
        'session',
      ],
    ];

    it.each(mixed)(
      'answers 401 to %s: no fallback to the valid one',
      async (_label, headers, rejected) => {
        const response = await http
          .get('/api/data')
          .set(headers(alice))
          .expect(401);
        expect(response.body).toEqual(unauthorized(FAILURE[rejected]));
        expect(challenges(response)).toEqual(
          rejected === 'jwt'
            ? DATA_CHALLENGES_REJECTED_BEARER
            : DATA_CHALLENGES,
        );
      },
    );

    const sameUser: [string, (h: Holder) => Headers][] = [
      [
        'a bearer token and an API key',
        (h) => ({ ...valid.jwt(h), ...valid['api-key'](h) }),
      ],
      [
        'Basic credentials and a sid cookie',
        (h) => ({ ...valid.basic(h), ...valid.session(h) }),
      ],
      [
        'an API key and a sid cookie',
        (h) => ({ ...valid['api-key'](h), ...valid.session(h) }),
      ],
    ];

    it.each(sameUser)(
      'answers 200 to %s of the same user',
      async (_label, headers) => {
        const response = await http
          .get('/api/data')
          .set(headers(alice))
          .expect(200);
        expect(response.body).toEqual(dataFor(alice.username));
      },
    );

    const differentUsers: [string, () => Headers][] = [
      [
        'a bearer token of one and an API key of another',
        () => ({ ...valid.jwt(alice), ...valid['api-key'](bob) }),
      ],
      [
        'Basic credentials of one and a sid cookie of another',
        () => ({ ...valid.basic(alice), ...valid.session(bob) }),
      ],
    ];

    it.each(differentUsers)(
      'answers 401 to %s user',
      async (_label, headers) => {
        const response = await http.get('/api/data').set(headers()).expect(401);
        expect(response.body).toEqual(
          unauthorized('The credentials presented belong to different users'),
        );
        expect(challenges(response)).toEqual(DATA_CHALLENGES);
      },
    );
  });

  describe('GET /api/protected (jwt only)', () => {
    it.each(['basic', 'api-key'] as const)(
      'answers 401 to a valid %s credential: the route accepts only jwt',
      async (s) => {
        const response = await http
          .get('/api/protected')
          .set(valid[s](alice))
          .expect(401);
        expect(response.body).toEqual(
          unauthorized('This route accepts only: jwt'),
        );
        expect(challenges(response)).toEqual([BEARER_CHALLENGE]);
      },
    );

    it('ignores a session cookie alone: no credential was presented', async () => {
      const response = await http
        .get('/api/protected')
        .set(valid.session(alice))
        .expect(401);
      expect(response.body).toEqual(unauthorized('Authentication required'));
      expect(challenges(response)).toEqual([BEARER_CHALLENGE]);
    });

    it('ignores an ambient cookie, even an unknown one, beside a valid bearer token', async () => {
      const response = await http
        .get('/api/protected')
        .set({ ...valid.jwt(alice), ...invalid.session(alice) })
        .expect(200);
      expect(response.body).toEqual({ message: `Hello, ${alice.username}!` });
    });
  });

  describe('GET /api/admin/stats (jwt, session; role admin)', () => {
    // Made in beforeAll: alice, bob and the admin, one key and one session each.
    const counts = { users: 3, api_keys: 3, sessions: 3 };

    it.each(['jwt', 'session'] as const)(
      'answers 200 with the counts to an admin’s %s credential',
      async (s) => {
        const response = await http
          .get('/api/admin/stats')
          .set(valid[s](admin))
          .expect(200);
        expect(response.body).toEqual(counts);
      },
    );

    it('answers 403 to a user’s bearer token', async () => {
      const response = await http
        .get('/api/admin/stats')
        .set(valid.jwt(alice))
        .expect(403);
      expect(response.body).toEqual({
        statusCode: 403,
        error: 'Forbidden',
        message: 'This route needs the role admin',
      });
    });

    it.each(['basic', 'api-key'] as const)(
      'answers 401 to an admin’s %s credential: the route does not accept it',
      async (s) => {
        const response = await http
          .get('/api/admin/stats')
          .set(valid[s](admin))
          .expect(401);
        expect(response.body).toEqual(
          unauthorized('This route accepts only: jwt, session'),
        );
        expect(challenges(response)).toEqual([
          BEARER_CHALLENGE,
          COOKIE_CHALLENGE,
        ]);
      },
    );
  });

  describe('GET /api/whoami (a test controller returning @CurrentUser())', () => {
    const FIELDS = [
      'clientId',
      'credentialId',
      'expiresAt',
      'id',
      'kind',
      'roles',
      'scheme',
      'scopes',
      'username',
    ];

    async function whoami(headers: Headers): Promise<Record<string, unknown>> {
      const response = await http.get('/api/whoami').set(headers).expect(200);
      expect(Object.keys(response.body).sort()).toEqual(FIELDS);
      return response.body as Record<string, unknown>;
    }

    it('describes a bearer token’s holder with the token’s jti and expiry', async () => {
      const claims = jwtPayload(alice.accessToken);
      expect(await whoami(valid.jwt(alice))).toEqual({
        id: alice.id,
        username: alice.username,
        roles: ['user'],
        scopes: null,
        scheme: 'jwt',
        credentialId: claims.jti,
        expiresAt: claims.exp,
        kind: 'user',
        clientId: null,
      });
      expect(typeof claims.jti).toBe('string');
    });

    it('describes an API key’s holder with the key’s id and scopes', async () => {
      expect(await whoami(valid['api-key'](alice))).toEqual({
        id: alice.id,
        username: alice.username,
        roles: ['user'],
        scopes: KEY_SCOPES,
        scheme: 'api-key',
        credentialId: alice.key.id,
        expiresAt: null,
        kind: 'user',
        clientId: null,
      });
    });

    it('describes a Basic caller with no credential id and unlimited scopes', async () => {
      expect(await whoami(valid.basic(alice))).toEqual({
        id: alice.id,
        username: alice.username,
        roles: ['user'],
        scopes: null,
        scheme: 'basic',
        credentialId: null,
        expiresAt: null,
        kind: 'user',
        clientId: null,
      });
    });

    it('describes a session’s holder with the session id GET /api/sessions shows', async () => {
      const sessions = await http
        .get('/api/sessions')
        .set(valid.session(alice))
        .expect(200);
      const current = (sessions.body as { id: string; current: boolean }[])
        .filter((s) => s.current)
        .map((s) => s.id);
      expect(current).toHaveLength(1);
      expect(await whoami(valid.session(alice))).toEqual({
        id: alice.id,
        username: alice.username,
        roles: ['user'],
        scopes: null,
        scheme: 'session',
        credentialId: current[0],
        expiresAt: null,
        kind: 'user',
        clientId: null,
      });
    });
  });

  describe('reading the Authorization header and the api_key query', () => {
    it.each([
      ['a malformed base64 payload', 'Basic %%%not-base64%%%'],
      [
        'a payload without a colon',
        `Basic ${Buffer.from('nocolonhere').toString('base64')}`,
      ],
    ])('answers 401 to Basic with %s', async (_label, header) => {
      const response = await http
        .get('/api/data')
        .set('Authorization', header)
        .expect(401);
      expect(response.body).toEqual(unauthorized(FAILURE.basic));
      expect(challenges(response)).toEqual(DATA_CHALLENGES);
    });

    it('answers 401 to Bearer with an empty token, without claiming the route refuses bearer tokens', async () => {
      const response = await http
        .get('/api/data')
        .set('Authorization', 'Bearer ')
        .expect(401);
      expect(response.body.error).toBe('Unauthorized');
      expect(response.body.message).not.toMatch(/^This route accepts only/);
      expect(challenges(response)).toEqual(DATA_CHALLENGES_REJECTED_BEARER);
    });

    it('accepts a lower-case bearer scheme name', async () => {
      const response = await http
        .get('/api/whoami')
        .set('Authorization', `bearer ${alice.accessToken}`)
        .expect(200);
      expect(response.body).toMatchObject({ id: alice.id, scheme: 'jwt' });
    });

    it('accepts a lower-case basic scheme name', async () => {
      const encoded = Buffer.from(
        `${alice.username}:${alice.password}`,
      ).toString('base64');
      const response = await http
        .get('/api/whoami')
        .set('Authorization', `basic ${encoded}`)
        .expect(200);
      expect(response.body).toMatchObject({ id: alice.id, scheme: 'basic' });
    });

    it('answers 401 to an Authorization scheme it does not speak', async () => {
      const response = await http
        .get('/api/data')
        .set('Authorization', 'Token abc')
        .expect(401);
      // It names the scheme it does not speak and every way this route accepts.
      expect(response.body).toEqual(
        unauthorized(
          "Unsupported Authorization scheme 'Token'; send one of: " +
            "an API key as 'X-API-Key: <key>'; " +
            "username and password as 'Authorization: Basic <base64 of username:password>'; " +
            "the access token as 'Authorization: Bearer <token>'; " +
            "the 'sid' cookie that POST /api/session sets; " +
            "an OAuth access token from /oauth/token as 'Authorization: Bearer <token>' (or 'DPoP <token>' with a DPoP proof)",
        ),
      );
      expect(challenges(response)).toEqual(DATA_CHALLENGES);
    });

    it('takes an API key from the api_key query parameter', async () => {
      const response = await http
        .get('/api/whoami')
        .query({ api_key: alice.key.key })
        .expect(200);
      expect(response.body).toMatchObject({
        id: alice.id,
        scheme: 'api-key',
        credentialId: alice.key.id,
      });
    });

    it('answers 401 when the header and the query carry two different keys', async () => {
      const response = await http
        .get('/api/data')
        .set(valid['api-key'](alice))
        .query({ api_key: bob.key.key })
        .expect(401);
      expect(response.body).toEqual(unauthorized(FAILURE['api-key']));
    });
  });
});

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from './support/db';
import { Browser } from './support/oauth-browser';
import {
  freePort,
  type ServerProcess,
  startServer,
  waitUntilUp,
} from './support/server-process';
import {
  describeUnless,
  postgresAndRedisServerSkipReason,
} from './support/skip';

/**
 * Two server processes behind an imaginary load balancer, sharing one PostgreSQL database and
 * one Redis, which this file starts, stops and restarts itself. It needs DATABASE_URL to be
 * PostgreSQL (as in .ci/run) and a redis-server binary; elsewhere it is skipped.
 */

jest.setTimeout(120_000);

interface Json {
  status: number;
  body: Record<string, unknown>;
}

async function call(
  server: ServerProcess,
  method: string,
  path: string,
  options: {
    token?: string;
    key?: string;
    basic?: [string, string];
    body?: unknown;
  } = {},
): Promise<Json> {
  const headers: Record<string, string> = {};
  if (options.basic) {
    headers.authorization = `Basic ${Buffer.from(options.basic.join(':')).toString('base64')}`;
  }
  if (options.token) {
    headers.authorization = `Bearer ${options.token}`;
  }
  if (options.key) {
    headers['x-api-key'] = options.key;
  }
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

function kidOf(token: string): string {
  const header = JSON.parse(
    Buffer.from(token.split('.')[0], 'base64url').toString(),
  ) as { kid: string };
  return header.kid;
}

async function eventually(check: () => Promise<boolean>, what: string) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (await check()) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting until ${what}`);
}

describeUnless(
  postgresAndRedisServerSkipReason(),
  'two instances sharing PostgreSQL and Redis',
  () => {
    const password = 'multi-instance-1';
    const admin: [string, string] = ['root', 'root-password-1'];
    let database: TestDatabase;
    let dataDir: string;
    let redisPort: number;
    let redis: ChildProcess | undefined;
    let a: ServerProcess;
    let b: ServerProcess;

    function startRedis(): Promise<void> {
      redis = spawn(
        'redis-server',
        [
          '--port',
          String(redisPort),
          '--bind',
          '127.0.0.1',
          '--save',
          '',
          '--appendonly',
          'no',
        ],
        { stdio: 'ignore' },
      );
      return Promise.resolve();
    }

    async function stopRedis(): Promise<void> {
      const child = redis;
      redis = undefined;
      if (child && child.exitCode === null) {
        const exited = new Promise((resolve) => child.on('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
    }

    const redisIs = (state: 'up' | 'down') => async () => {
      const [onA, onB] = await Promise.all([
        call(a, 'GET', '/api/health'),
        call(b, 'GET', '/api/health'),
      ]);
      return onA.body.redis === state && onB.body.redis === state;
    };

    async function register(prefix: string) {
      const username = `${prefix}${randomBytes(3).toString('hex')}`;
      const registered = await call(a, 'POST', '/api/register', {
        body: { username, password },
      });
      expect(registered.status).toBe(201);
      return { username, token: registered.body.access_token as string };
    }

    async function createKey(
      token: string,
    ): Promise<{ id: string; key: string }> {
      const created = await call(a, 'POST', '/api/api-keys', {
        token,
        body: { name: 'shared' },
      });
      expect(created.status).toBe(201);
      return { id: created.body.id as string, key: created.body.key as string };
    }

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-multi-'));
      database = await createTestDatabase();
      redisPort = await freePort();
      await startRedis();
      const env = {
        ...database.env,
        DATA_DIR: dataDir,
        REDIS_URL: `redis://127.0.0.1:${redisPort}`,
        JWT_SECRET: randomBytes(48).toString('base64url'),
        KEYS_SECRET: randomBytes(48).toString('base64url'),
        // Signing keys rotate every 8 s (a successor published 4 s ahead) all through this file.
        SIGNING_KEY_ROTATION: '8s',
        BCRYPT_COST: '4',
        RATE_LIMIT_DATA: '6/minute',
        ADMIN_USERNAME: admin[0],
        ADMIN_PASSWORD: admin[1],
        LOG_LEVEL: 'warn',
      };
      const portA = await freePort();
      // One issuer for both, as behind a load balancer: the OAuth flow below crosses instances.
      Object.assign(env, { ISSUER_URL: `http://127.0.0.1:${portA}` });
      // The first instance migrates the new database; the second starts on a migrated one.
      a = startServer(env, portA);
      await waitUntilUp(a);
      b = startServer(env, await freePort());
      await waitUntilUp(b);
      await eventually(redisIs('up'), 'both instances reach Redis');
    });

    afterAll(async () => {
      for (const server of [a, b]) {
        server?.child.kill('SIGKILL');
      }
      await stopRedis();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('honours a logout made on one instance on the other at once', async () => {
      const { token } = await register('logout');
      expect((await call(b, 'GET', '/api/profile', { token })).status).toBe(
        200,
      );
      expect((await call(a, 'POST', '/api/logout', { token })).status).toBe(
        204,
      );
      const onB = await call(b, 'GET', '/api/profile', { token });
      expect(onB.status).toBe(401);
    });

    it('refuses on the other instance a key deleted on one, though that instance had it cached', async () => {
      const { token } = await register('keys');
      const { id, key } = await createKey(token);
      // Twice: the second request is matched by the key's text, the path a deletion must reach.
      expect((await call(b, 'GET', '/api/data', { key })).status).toBe(200);
      expect((await call(b, 'GET', '/api/data', { key })).status).toBe(200);
      const deleted = await call(a, 'DELETE', `/api/api-keys/${id}`, { token });
      expect(deleted.status).toBe(204);
      expect((await call(b, 'GET', '/api/data', { key })).status).toBe(401);
    });

    it('refuses on the other instance a user an admin disabled on one', async () => {
      const { username, token } = await register('disabled');
      expect((await call(b, 'GET', '/api/profile', { token })).status).toBe(
        200,
      );
      const profile = await call(b, 'GET', '/api/profile', { token });
      const id = (profile.body.user as { id: string }).id;
      const disabled = await call(a, 'PATCH', `/api/users/${id}`, {
        basic: admin,
        body: { disabled: true },
      });
      expect(disabled.status).toBe(200);
      expect((await call(b, 'GET', '/api/profile', { token })).status).toBe(
        401,
      );
      const login = await call(b, 'POST', '/api/login', {
        body: { username, password },
      });
      expect(login.status).toBe(401);
    });

    it('counts a rate limit across both instances', async () => {
      const { token } = await register('limit');
      const { key } = await createKey(token);
      const statuses: number[] = [];
      for (let i = 0; i < 7; i += 1) {
        statuses.push(
          (await call(i % 2 ? b : a, 'GET', '/api/data', { key })).status,
        );
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429]);
    });

    it('keeps answering while Redis is down, honours revocations through the database, and shares state again when Redis returns', async () => {
      const before = await register('outage');
      const { id, key } = await createKey(before.token);
      expect((await call(b, 'GET', '/api/data', { key })).status).toBe(200);

      await stopRedis();
      await eventually(redisIs('down'), 'both instances notice Redis is gone');

      // Logins, tokens, keys and limits still work on either instance.
      const during = await call(b, 'POST', '/api/login', {
        body: { username: before.username, password },
      });
      expect(during.status).toBe(200);
      const token = during.body.access_token as string;
      expect((await call(a, 'GET', '/api/profile', { token })).status).toBe(
        200,
      );
      expect((await call(a, 'GET', '/api/data', { key })).status).toBe(200);

      // A revocation made now cannot be broadcast: the other instance asks the database.
      expect((await call(a, 'POST', '/api/logout', { token })).status).toBe(
        204,
      );
      expect((await call(b, 'GET', '/api/profile', { token })).status).toBe(
        401,
      );
      const deleted = await call(a, 'DELETE', `/api/api-keys/${id}`, {
        token: before.token,
      });
      expect(deleted.status).toBe(204);
      expect((await call(b, 'GET', '/api/data', { key })).status).toBe(401);

      await startRedis();
      await eventually(redisIs('up'), 'both instances reconnect to Redis');

      // Broadcasts and shared counters are back.
      const after = await register('recovered');
      expect((await call(b, 'GET', '/api/profile', after)).status).toBe(200);
      expect((await call(a, 'POST', '/api/logout', after)).status).toBe(204);
      expect((await call(b, 'GET', '/api/profile', after)).status).toBe(401);
      const fresh = await register('limitagain');
      const { key: freshKey } = await createKey(fresh.token);
      const statuses: number[] = [];
      for (let i = 0; i < 7; i += 1) {
        statuses.push(
          (await call(i % 2 ? b : a, 'GET', '/api/data', { key: freshKey }))
            .status,
        );
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429]);
    });

    it('verifies a token signed before a key rotation on both instances after it', async () => {
      const { username, token } = await register('rotation');
      const before = kidOf(token);
      expect((await call(b, 'GET', '/api/profile', { token })).status).toBe(
        200,
      );
      let after = before;
      await eventually(async () => {
        const login = await call(b, 'POST', '/api/login', {
          body: { username, password },
        });
        after = kidOf(login.body.access_token as string);
        return after !== before;
      }, 'instance b signs with the next key');
      for (const server of [a, b]) {
        expect(
          (await call(server, 'GET', '/api/profile', { token })).status,
        ).toBe(200);
      }
      const jwks = await fetch(`${a.url}/.well-known/jwks.json`);
      const kids = (
        (await jwks.json()) as { keys: { kid: string }[] }
      ).keys.map((key) => key.kid);
      expect(kids).toEqual(expect.arrayContaining([before, after]));
    });

    it('refuses on both instances at once the tokens of a key revoked on one', async () => {
      const { username, token } = await register('leak');
      const kid = kidOf(token);
      // Verified (and cached) on both first.
      expect((await call(a, 'GET', '/api/profile', { token })).status).toBe(
        200,
      );
      expect((await call(b, 'GET', '/api/profile', { token })).status).toBe(
        200,
      );
      const revoked = await call(
        a,
        'POST',
        `/api/admin/signing-keys/${kid}/revoke`,
        {
          basic: admin,
        },
      );
      expect(revoked.status).toBe(200);
      expect((await call(b, 'GET', '/api/profile', { token })).status).toBe(
        401,
      );
      expect((await call(a, 'GET', '/api/profile', { token })).status).toBe(
        401,
      );
      const jwks = await fetch(`${b.url}/.well-known/jwks.json`);
      expect(
        ((await jwks.json()) as { keys: { kid: string }[] }).keys.map(
          (key) => key.kid,
        ),
      ).not.toContain(kid);
      // Both instances sign with a live key again.
      for (const server of [b, a]) {
        const login = await call(server, 'POST', '/api/login', {
          body: { username, password },
        });
        expect(login.status).toBe(200);
        const fresh = login.body.access_token as string;
        expect(kidOf(fresh)).not.toBe(kid);
        expect(
          (await call(a, 'GET', '/api/profile', { token: fresh })).status,
        ).toBe(200);
        expect(
          (await call(b, 'GET', '/api/profile', { token: fresh })).status,
        ).toBe(200);
      }
    });

    it('refuses a revoked key’s tokens on the other instance while Redis is down (through the database)', async () => {
      const { token } = await register('keyoutage');
      const kid = kidOf(token);
      expect((await call(b, 'GET', '/api/profile', { token })).status).toBe(
        200,
      );
      await stopRedis();
      await eventually(redisIs('down'), 'both instances notice Redis is gone');
      try {
        const revoked = await call(
          a,
          'POST',
          `/api/admin/signing-keys/${kid}/revoke`,
          {
            basic: admin,
          },
        );
        expect(revoked.status).toBe(200);
        expect((await call(b, 'GET', '/api/profile', { token })).status).toBe(
          401,
        );
      } finally {
        await startRedis();
        await eventually(redisIs('up'), 'both instances reconnect to Redis');
      }
    });

    it('answers a refresh token raced on both instances with one pair, and honours a logout made on the other', async () => {
      const username = `race${randomBytes(3).toString('hex')}`;
      const registered = await call(a, 'POST', '/api/register', {
        body: { username, password },
      });
      expect(registered.status).toBe(201);
      const spent = registered.body.refresh_token as string;
      const answers = await Promise.all(
        [a, b, a, b, a, b].map((server) =>
          call(server, 'POST', '/api/refresh', {
            body: { refresh_token: spent },
          }),
        ),
      );
      expect(answers.map((answer) => answer.status)).toEqual([
        200, 200, 200, 200, 200, 200,
      ]);
      const [first] = answers;
      for (const answer of answers) {
        expect(answer.body.access_token).toBe(first.body.access_token);
        expect(answer.body.refresh_token).toBe(first.body.refresh_token);
      }
      const token = first.body.access_token as string;
      expect((await call(a, 'GET', '/api/profile', { token })).status).toBe(
        200,
      );
      expect((await call(b, 'GET', '/api/profile', { token })).status).toBe(
        200,
      );

      // The one successor rotates on either instance.
      const next = await call(b, 'POST', '/api/refresh', {
        body: { refresh_token: first.body.refresh_token },
      });
      expect(next.status).toBe(200);
      expect(next.body.refresh_token).not.toBe(first.body.refresh_token);

      // Logged out on one instance, the replayed access token is not handed out again by the other.
      expect((await call(a, 'POST', '/api/logout', { token })).status).toBe(
        204,
      );
      const replay = await call(b, 'POST', '/api/refresh', {
        body: { refresh_token: spent },
      });
      expect(replay).toEqual({
        status: 401,
        body: {
          statusCode: 401,
          error: 'Unauthorized',
          message: 'Invalid, expired or already used refresh token',
        },
      });
    });

    it('completes one OAuth authorization-code flow with each step on either instance', async () => {
      const redirectUri = 'http://127.0.0.1:9/callback';
      const registered = await call(a, 'POST', '/api/oauth-clients', {
        basic: admin,
        body: {
          client_name: 'Shared app',
          redirect_uris: [redirectUri],
          scope: 'openid offline_access',
        },
      });
      expect(registered.status).toBe(201);
      const clientId = registered.body.client_id as string;
      const clientSecret = registered.body.client_secret as string;
      const { username } = await register('oauth');
      /** The same path on the other instance: the load balancer's choice. */
      const on = (server: ServerProcess, url: string) =>
        `${server.url}${new URL(url, server.url).pathname}${new URL(url, server.url).search}`;

      const browser = new Browser(a.url);
      const signedIn = await browser.fetch(`${b.url}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      expect(signedIn.status).toBe(200);
      const { csrf_token: csrf } = (await signedIn.json()) as {
        csrf_token: string;
      };
      const verifier = randomBytes(32).toString('base64url');
      const query = new URLSearchParams({
        client_id: clientId,
        response_type: 'code',
        redirect_uri: redirectUri,
        scope: 'openid offline_access',
        prompt: 'consent',
        code_challenge: createHash('sha256')
          .update(verifier)
          .digest('base64url'),
        code_challenge_method: 'S256',
      });
      const started = await browser.fetch(
        `${a.url}/oauth/authorize?${query.toString()}`,
      );
      expect(started.status).toBe(303);
      const login = await browser.fetch(
        on(b, `${started.headers.get('location')}/login`),
        { method: 'POST', headers: { 'x-csrf-token': csrf } },
      );
      expect(login.status).toBe(200);
      const afterLogin = await browser.fetch(
        on(b, ((await login.json()) as { redirectTo: string }).redirectTo),
      );
      expect(afterLogin.status).toBe(303);
      const consent = await browser.fetch(
        on(a, `${afterLogin.headers.get('location')}/consent`),
        { method: 'POST', headers: { 'x-csrf-token': csrf } },
      );
      expect(consent.status).toBe(200);
      const done = await browser.fetch(
        on(a, ((await consent.json()) as { redirectTo: string }).redirectTo),
      );
      const callback = new URL(String(done.headers.get('location')));
      expect(`${callback.origin}${callback.pathname}`).toBe(redirectUri);
      const code = String(callback.searchParams.get('code'));

      const tokenCall = (server: ServerProcess, body: Record<string, string>) =>
        fetch(`${server.url}/oauth/token`, {
          method: 'POST',
          headers: {
            authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: new URLSearchParams(body),
        });
      const tokens = await tokenCall(b, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        code_verifier: verifier,
      });
      expect(tokens.status).toBe(200);
      const { refresh_token: refreshToken } = (await tokens.json()) as {
        refresh_token: string;
      };
      // The refresh token works on the other instance; the code is spent on both.
      const refreshed = await tokenCall(a, {
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
      });
      expect(refreshed.status).toBe(200);
      const { refresh_token: rotated } = (await refreshed.json()) as {
        refresh_token: string;
      };
      const replayed = await tokenCall(a, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        code_verifier: verifier,
      });
      expect(replayed.status).toBe(400);
      // The replayed code revoked its grant: the rotated refresh token is dead on B as well.
      const afterReplay = await tokenCall(b, {
        grant_type: 'refresh_token',
        refresh_token: rotated,
      });
      expect(afterReplay.status).toBe(400);
      expect(await afterReplay.json()).toMatchObject({
        error: 'invalid_grant',
      });
    });
  },
);

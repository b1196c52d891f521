import { Database } from 'sqlite3';

/** One seeded user and a credential of every kind, ready to put on the wire. */
export interface BenchUser {
  username: string;
  password: string;
  id: string;
  accessToken: string;
  apiKey: string;
  /** The `sid` cookie value of a cookie session. */
  sessionId: string;
  basic: string;
}

interface Json {
  [key: string]: unknown;
}

async function call(
  baseUrl: string,
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Json; setCookies: string[] }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as Json) : {},
    setCookies: response.headers.getSetCookie(),
  };
}

async function expectStatus(
  what: string,
  expected: number,
  pending: ReturnType<typeof call>,
): Promise<Json> {
  const { status, body } = await pending;
  if (status !== expected) {
    throw new Error(
      `${what}: expected ${expected}, got ${status} ${JSON.stringify(body)}`,
    );
  }
  return body;
}

function str(body: Json, key: string): string {
  const value = body[key];
  if (typeof value !== 'string') {
    throw new Error(`expected a string "${key}" in ${JSON.stringify(body)}`);
  }
  return value;
}

/** Registers `count` users and gives each an API key (data:read) and a cookie session. */
export async function seedUsers(
  baseUrl: string,
  count: number,
): Promise<BenchUser[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const username = `bench-user-${i}`;
      const password = `bench-password-${i}`;
      const registered = await expectStatus(
        `register ${username}`,
        201,
        call(baseUrl, 'POST', '/api/register', { username, password }),
      );
      const accessToken = str(registered, 'access_token');
      const user = registered.user as Json;
      const key = await expectStatus(
        `API key for ${username}`,
        201,
        call(
          baseUrl,
          'POST',
          '/api/api-keys',
          { name: 'bench', scopes: ['data:read'] },
          { authorization: `Bearer ${accessToken}` },
        ),
      );
      const session = await call(baseUrl, 'POST', '/api/session', {
        username,
        password,
      });
      const sid = session.setCookies
        .map((cookie) => /^sid=([^;]+)/.exec(cookie)?.[1])
        .find(Boolean);
      if (session.status !== 200 || !sid) {
        throw new Error(
          `session for ${username}: ${session.status} ${JSON.stringify(session.body)}`,
        );
      }
      return {
        username,
        password,
        id: str(user, 'id'),
        accessToken,
        apiKey: str(key, 'key'),
        sessionId: sid,
        basic: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
      };
    }),
  );
}

/** Logs in `count` times (cycling through the users) and returns the refresh tokens. */
export async function loginForRefreshTokens(
  baseUrl: string,
  users: readonly BenchUser[],
  count: number,
): Promise<string[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const user = users[i % users.length];
      const body = await expectStatus(
        `login ${user.username}`,
        200,
        call(baseUrl, 'POST', '/api/login', {
          username: user.username,
          password: user.password,
        }),
      );
      return str(body, 'refresh_token');
    }),
  );
}

/** One authenticated request per user: Basic's "after the first request", before each of its samples. */
export async function firstBasicRequests(
  baseUrl: string,
  users: readonly BenchUser[],
): Promise<void> {
  for (const user of users) {
    await expectStatus(
      `basic ${user.username}`,
      200,
      call(baseUrl, 'GET', '/api/data', undefined, {
        authorization: user.basic,
      }),
    );
  }
}

/**
 * Puts `count` revoked access-token ids straight into revoked_tokens, in one transaction, as
 * TypeORM writes them (jti: a v4 UUID; expires_at: 'YYYY-MM-DD HH:MM:SS.SSS' UTC), expiring
 * one to two hours from now so that neither start-up nor pruning drops them during the run.
 */
export async function seedBlacklist(
  databasePath: string,
  count: number,
): Promise<number> {
  const started = performance.now();
  const db = new Database(databasePath);
  const exec = (sql: string) =>
    new Promise<void>((resolve, reject) =>
      db.exec(sql, (error) => (error ? reject(error) : resolve())),
    );
  try {
    await exec('PRAGMA busy_timeout = 5000; PRAGMA cache_size = -262144;');
    await exec(`BEGIN;
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${count})
      INSERT INTO revoked_tokens (jti, expires_at)
      SELECT
        lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||
        substr(lower(hex(randomblob(2))), 2) || '-' ||
        substr('89ab', 1 + (abs(random()) % 4), 1) ||
        substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))),
        strftime('%Y-%m-%d %H:%M:%f', 'now', '+3600 seconds', '+' || (i % 3600) || ' seconds')
      FROM n;
      COMMIT;`);
    const rows = await new Promise<number>((resolve, reject) =>
      db.get<{ n: number }>(
        'SELECT count(*) AS n FROM revoked_tokens',
        (error, row) => (error ? reject(error) : resolve(row.n)),
      ),
    );
    if (rows < count) {
      throw new Error(`revoked_tokens holds ${rows} rows, wanted ${count}`);
    }
  } finally {
    await new Promise<void>((resolve) => db.close(() => resolve()));
  }
  return performance.now() - started;
}

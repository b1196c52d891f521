import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from './support/db';
import { freePort, startServer, waitUntilUp } from './support/server-process';

// Each test starts a fresh Node process that compiles the TypeScript sources on load.
jest.setTimeout(120_000);

/** Whether this machine has an IPv6 loopback to listen on. */
function ipv6Loopback(): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '::1', port: 0 }, () =>
      server.close(() => resolve(true)),
    );
  });
}

async function health(origin: string): Promise<unknown> {
  const response = await fetch(`${origin}/api/health`);
  expect(response.status).toBe(200);
  return response.json();
}

describe('the server process', () => {
  let dataDir: string;
  let database: TestDatabase;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-process-'));
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('listens on IPv4 and IPv6 by default and logs its URL and the docs URL', async () => {
    const port = await freePort();
    const server = startServer({ DATA_DIR: dataDir, ...database.env }, port);
    try {
      await waitUntilUp(server);
      const ipv6 = await ipv6Loopback();
      const line = server
        .output()
        .split('\n')
        .filter((text) => text.includes('Listening on'));
      expect(line).toHaveLength(1);
      expect(JSON.parse(line[0])).toMatchObject({
        level: 'log',
        context: 'Gatehouse',
        message: {
          msg: ipv6
            ? `Listening on http://[::]:${port} (every IPv6 and IPv4 interface); API docs at http://localhost:${port}/api/docs`
            : `Listening on http://0.0.0.0:${port} (every IPv4 interface); API docs at http://127.0.0.1:${port}/api/docs`,
        },
      });

      const ipv4Health = await health(`http://127.0.0.1:${port}`);
      expect(ipv4Health).toMatchObject({ status: 'ok' });
      const docs = await fetch(`http://127.0.0.1:${port}/api/docs`);
      expect(docs.status).toBe(200);
      expect(docs.headers.get('content-type')).toMatch(/^text\/html/);
      if (!ipv6) {
        // eslint-disable-next-line no-console -- a skipped half says why
        console.warn(
          'IPv6 half skipped: this machine has no IPv6 loopback (::1); enable IPv6 to run it',
        );
        return;
      }
      expect(await health(`http://[::1]:${port}`)).toEqual(ipv4Health);
    } finally {
      server.child.kill('SIGKILL');
    }
  });

  it('listens only where HOST says', async () => {
    const port = await freePort();
    const server = startServer(
      { DATA_DIR: dataDir, HOST: '127.0.0.1', ...database.env },
      port,
    );
    try {
      await waitUntilUp(server);
      expect(server.output()).toContain(
        `"msg":"Listening on http://127.0.0.1:${port}; API docs at http://127.0.0.1:${port}/api/docs"`,
      );
      if (await ipv6Loopback()) {
        await expect(
          fetch(`http://[::1]:${port}/api/health`),
        ).rejects.toThrow();
      }
    } finally {
      server.child.kill('SIGKILL');
    }
  });

  it('refuses to start in production without a JWT_SECRET under HS256, with a clear message', async () => {
    const server = startServer(
      {
        NODE_ENV: 'production',
        JWT_ALGORITHM: 'HS256',
        DATA_DIR: dataDir,
        ...database.env,
      },
      await freePort(),
    );
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain(
      'JWT_SECRET is required when NODE_ENV=production',
    );
    expect(server.output()).not.toMatch(/\n\s+at /);
  });

  it('refuses to start in production without a KEYS_SECRET, with a clear message', async () => {
    const server = startServer(
      { NODE_ENV: 'production', DATA_DIR: dataDir, ...database.env },
      await freePort(),
    );
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain(
      'KEYS_SECRET is required when NODE_ENV=production with JWT_ALGORITHM=ES256',
    );
    expect(server.output()).not.toMatch(/\n\s+at /);
  });

  it('refuses to start in production without SMTP_URL while a mail feature is on, with a clear message', async () => {
    const server = startServer(
      {
        NODE_ENV: 'production',
        KEYS_SECRET: 'k'.repeat(48),
        DATA_DIR: dataDir,
        ...database.env,
      },
      await freePort(),
    );
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain(
      'SMTP_URL is required when NODE_ENV=production while EMAIL_VERIFICATION or PASSWORD_RESET is on',
    );
    expect(server.output()).not.toMatch(/\n\s+at /);
  });

  it('finishes an in-flight login on SIGTERM, then exits; its logs hold no secret', async () => {
    const server = startServer(
      { DATA_DIR: dataDir, BCRYPT_COST: '12', ...database.env },
      await freePort(),
    );
    try {
      await waitUntilUp(server);
      const password = 'sigterm-secret-password';
      const registered = await fetch(`${server.url}/api/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'draining', password }),
      });
      expect(registered.status).toBe(201);
      const { access_token: accessToken } = (await registered.json()) as {
        access_token: string;
      };
      await fetch(`${server.url}/api/profile?api_key=not-a-real-key`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });

      // A login at cost 12 takes a few hundred milliseconds: SIGTERM lands mid-request.
      const login = fetch(`${server.url}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'draining', password }),
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      server.child.kill('SIGTERM');

      const response = await login;
      expect(response.status).toBe(200);
      const body = (await response.json()) as { access_token: string };
      expect(body.access_token).toEqual(expect.any(String));
      // Nest closes gracefully, then re-raises the signal so the exit status tells why.
      expect(await server.exited).toBe('SIGTERM');
      await expect(fetch(`${server.url}/api/health`)).rejects.toThrow();

      const logs = server.output();
      expect(logs).toContain('"msg":"request"');
      expect(logs).toContain('api_key=[REDACTED]');
      // The drained login's line, logged while the server closed, was written before it exited.
      expect(logs).toMatch(
        /"path":"\/api\/login","route":"\/api\/login","status":200/,
      );
      for (const secret of [
        password,
        accessToken,
        body.access_token,
        'not-a-real-key',
      ]) {
        expect(logs).not.toContain(secret);
      }
    } finally {
      server.child.kill('SIGKILL');
    }
  });
});

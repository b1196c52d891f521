import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from './support/db';
import { freePort, startServer, waitUntilUp } from './support/server-process';

// Each test starts a fresh Node process that compiles the TypeScript sources on load.
jest.setTimeout(60_000);

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

// Other services verifying Gatehouse tokens with nothing but the JWKS URL, against a live
// server: jose's remote JWKS (the docs' Node example), the example resource server in
// examples/resource-server/, and PyJWT's PyJWKClient (examples/python/) when Python has it.
import { execFile, spawnSync } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { createResourceServer } from '../examples/resource-server/server';
import { createTestApp, type TestApp } from './support/app';
import { registerUser, withAlteredSignature } from './support/factories';

const execFileAsync = promisify(execFile);
const ADMIN = { username: 'chief', password: 'chief-password-1' };

/** A python3 that has PyJWT (with cryptography), or null. */
function pythonWithPyJwt(): string | null {
  for (const python of ['python3', '/usr/bin/python3']) {
    const probe = spawnSync(python, ['-c', 'import jwt, cryptography'], {
      stdio: 'ignore',
    });
    if (probe.status === 0) {
      return python;
    }
  }
  return null;
}

describe('verifying Gatehouse tokens elsewhere, through the JWKS alone', () => {
  let t: TestApp;
  let gatehouseUrl: string;
  beforeAll(async () => {
    t = await createTestApp({
      env: { ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password },
    });
    await t.app.listen(0, '127.0.0.1');
    const address = t.app.getHttpServer().address() as AddressInfo;
    gatehouseUrl = `http://127.0.0.1:${address.port}`;
  });
  afterAll(() => t.close());

  it('works with jose’s createRemoteJWKSet (the Node example)', async () => {
    const user = await registerUser(t.http);

    // --- the docs' example, verbatim but for the URL ---
    const JWKS = createRemoteJWKSet(
      new URL(`${gatehouseUrl}/.well-known/jwks.json`),
    );
    const { payload, protectedHeader } = await jwtVerify(
      user.accessToken,
      JWKS,
      {
        issuer: 'gatehouse',
        audience: 'gatehouse-api',
        algorithms: ['ES256', 'EdDSA'],
      },
    );
    // ---

    expect(protectedHeader).toMatchObject({ alg: 'ES256' });
    expect(payload).toMatchObject({
      sub: user.id,
      username: user.username,
      roles: ['user'],
      typ: 'access',
    });
    const tampered = withAlteredSignature(user.accessToken);
    await expect(
      jwtVerify(tampered, JWKS, {
        issuer: 'gatehouse',
        audience: 'gatehouse-api',
      }),
    ).rejects.toThrow();
  });

  describe('the example resource server (examples/resource-server)', () => {
    let server: Server;
    let url: string;
    beforeAll(async () => {
      // A 1 s fetch cooldown instead of 30 s, so the rotation test below need not wait long.
      server = createResourceServer({ gatehouseUrl, jwksCooldownMs: 1000 });
      await new Promise<void>((resolve) =>
        server.listen(0, '127.0.0.1', resolve),
      );
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(
      () => new Promise<void>((resolve) => server.close(() => resolve())),
    );

    async function get(
      path: string,
      token?: string,
    ): Promise<{ status: number; body: unknown; challenge: string | null }> {
      const response = await fetch(`${url}${path}`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      return {
        status: response.status,
        body: await response.json(),
        challenge: response.headers.get('www-authenticate'),
      };
    }

    it('serves its route to a Gatehouse user, and says who it is', async () => {
      const user = await registerUser(t.http);
      expect(await get('/reports', user.accessToken)).toEqual({
        status: 200,
        body: { owner: user.username, user_id: user.id, reports: ['mine'] },
        challenge: null,
      });
    });

    it('refuses no token, a token whose claims were changed, and garbage', async () => {
      const user = await registerUser(t.http);
      const [head, body] = user.accessToken.split('.');
      const forgedBody = Buffer.from(
        JSON.stringify({
          ...(JSON.parse(Buffer.from(body, 'base64url').toString()) as object),
          roles: ['admin'],
        }),
      ).toString('base64url');
      const signature = user.accessToken.split('.')[2];
      for (const token of [
        undefined,
        `${head}.${forgedBody}.${signature}`,
        'not.a.token',
      ]) {
        const answer = await get('/reports', token);
        expect(answer.status).toBe(401);
        expect(answer.body).toEqual({ error: 'Unauthorized' });
        expect(answer.challenge).toContain('error="invalid_token"');
      }
    });

    it('reads the roles from the token: 403 for a user, 200 for an admin', async () => {
      const user = await registerUser(t.http);
      expect((await get('/admin/reports', user.accessToken)).status).toBe(403);
      const login = await t.http.post('/api/login').send(ADMIN).expect(200);
      const admin = await get('/admin/reports', login.body.access_token);
      expect(admin.status).toBe(200);
      expect(admin.body).toMatchObject({
        owner: ADMIN.username,
        reports: ['all users'],
      });
    });

    it('follows a key revoked in Gatehouse: the new key’s tokens verify (its JWKS is re-fetched)', async () => {
      const before = await registerUser(t.http);
      expect((await get('/reports', before.accessToken)).status).toBe(200);
      const kid = (
        JSON.parse(
          Buffer.from(before.accessToken.split('.')[0], 'base64url').toString(),
        ) as { kid: string }
      ).kid;
      await t.http
        .post(`/api/admin/signing-keys/${kid}/revoke`)
        .auth(ADMIN.username, ADMIN.password)
        .expect(200);
      const after = await registerUser(t.http);
      // An unknown kid makes jose re-fetch the JWKS, at most once per cooldown (1 s here).
      const deadline = Date.now() + 5_000;
      let status = 0;
      while (Date.now() < deadline) {
        status = (await get('/reports', after.accessToken)).status;
        if (status === 200) {
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      expect(status).toBe(200);
    });
  });

  const python = pythonWithPyJwt();
  if (!python) {
    // eslint-disable-next-line no-console -- the skip must say why and what to install
    console.warn(
      'skipped: the PyJWT example needs a python3 with PyJWT and cryptography (pip install "pyjwt[crypto]", or apt-get install python3-jwt python3-cryptography)',
    );
  }
  (python ? it : it.skip)(
    'works with PyJWT’s PyJWKClient (the Python example)',
    async () => {
      const user = await registerUser(t.http);
      const script = join(
        __dirname,
        '..',
        'examples',
        'python',
        'verify_gatehouse_token.py',
      );
      // Asynchronously: the server under test answers on this process's event loop.
      const accepted = await execFileAsync(
        python!,
        [script, user.accessToken],
        {
          env: { ...process.env, GATEHOUSE_URL: gatehouseUrl },
          encoding: 'utf8',
        },
      );
      const refused = await execFileAsync(
        python!,
        [script, withAlteredSignature(user.accessToken)],
        { env: { ...process.env, GATEHOUSE_URL: gatehouseUrl } },
      ).catch((error: { code: number; stderr: string }) => error);
      expect(refused).toMatchObject({
        code: 1,
        stderr: expect.stringMatching(/^refused: /),
      });
      expect(accepted.stderr).toBe('');
      expect(JSON.parse(accepted.stdout)).toMatchObject({
        sub: user.id,
        username: user.username,
      });
    },
  );
});

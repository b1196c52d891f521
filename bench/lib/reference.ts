// The reference phase (issue #17): Gatehouse's cheapest cases against a bare Fastify server doing
// the same check (bench/reference-server.ts), in the same interleaved rounds.
import jsonwebtoken from 'jsonwebtoken';
import type { Load } from './load';
import type { BenchUser } from './seed';
import type { ServerHandle } from './server-process';

/** The reference's settings: the secret it verifies with, and the 401 Gatehouse answers. */
export function referenceEnv(
  jwtSecret: string,
  challenges: readonly string[],
): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production',
    REFERENCE_JWT_SECRET: jwtSecret,
    // Gatehouse's defaults (JWT_ISSUER, JWT_AUDIENCE), which the bench servers keep.
    REFERENCE_JWT_ISSUER: 'gatehouse',
    REFERENCE_JWT_AUDIENCE: 'gatehouse-api',
    REFERENCE_CHALLENGES: challenges.join('\n'),
  };
}

/**
 * The user's Gatehouse access token with its claims unchanged, signed HS256 for the reference.
 * Gatehouse's own are ES256 (the default), but it verifies a token's signature only on the
 * token's first request (VerifiedTokenCache), so the algorithm is not part of its per-request
 * cost; the reference verifies on every request, with the library passport-jwt uses for HS256.
 */
export function referenceToken(user: BenchUser, jwtSecret: string): string {
  const claims = jsonwebtoken.decode(user.accessToken);
  if (!claims || typeof claims !== 'object') {
    throw new Error(`${user.username}'s access token has no claims`);
  }
  return jsonwebtoken.sign(claims, jwtSecret, { algorithm: 'HS256' });
}

/** Gatehouse's WWW-Authenticate challenges for GET /api/data without a credential. */
export async function gatehouseChallenges(
  gatehouse: ServerHandle,
): Promise<string[]> {
  const response = await fetch(`${gatehouse.url}/api/data`);
  if (response.status !== 401) {
    throw new Error(
      `GET /api/data without a credential answered ${response.status}, not 401`,
    );
  }
  return response.headers
    .get('www-authenticate')!
    .split(/,\s*(?=[A-Za-z]+ )/)
    .filter(Boolean);
}

interface Answer {
  status: number;
  body: string;
  challenge: string | null;
}

async function answer(
  url: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(url, { headers });
  return {
    status: response.status,
    body: await response.text(),
    challenge: response.headers.get('www-authenticate'),
  };
}

/**
 * Both servers give the same status, body and challenge for each case: a reference that
 * answered less (a shorter body, no challenge) would flatter it.
 */
export async function assertSameAnswers(
  gatehouse: ServerHandle,
  reference: ServerHandle,
  user: BenchUser,
  jwtSecret: string,
): Promise<void> {
  const pairs: [string, Answer, Answer][] = [
    [
      'unguarded',
      await answer(`${gatehouse.url}/api/bench/baseline`),
      await answer(`${reference.url}/api/bench/baseline`),
    ],
    [
      'jwt',
      await answer(`${gatehouse.url}/api/data`, {
        authorization: `Bearer ${user.accessToken}`,
      }),
      await answer(`${reference.url}/api/data`, {
        authorization: `Bearer ${referenceToken(user, jwtSecret)}`,
      }),
    ],
    [
      'no credential',
      await answer(`${gatehouse.url}/api/data`),
      await answer(`${reference.url}/api/data`),
    ],
  ];
  for (const [name, ours, theirs] of pairs) {
    if (JSON.stringify(ours) !== JSON.stringify(theirs)) {
      throw new Error(
        `the reference answers the ${name} case differently: Gatehouse ${JSON.stringify(ours)}, reference ${JSON.stringify(theirs)}`,
      );
    }
  }
}

/** GET /api/data without a credential: the 401 is the answer measured. */
export function noCredentialLoad(
  server: ServerHandle,
  connections: number,
): Load {
  return {
    server,
    path: '/api/data',
    expectedStatus: 401,
    options: () => ({ connections }),
  };
}

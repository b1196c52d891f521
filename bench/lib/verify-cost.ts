import {
  createSecretKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  randomUUID,
} from 'node:crypto';
import { type JWTPayload, jwtVerify, SignJWT } from 'jose';
import jsonwebtoken from 'jsonwebtoken';
import { VerifiedTokenCache } from '../../src/auth/strategies/verified-token-cache';
import type { AccessTokenClaims } from '../../src/tokens/access-token.service';
import type { Row } from './report';

const ISSUER = 'gatehouse';
const AUDIENCE = 'gatehouse-api';
const BATCH = 100;

interface Case {
  algorithm: 'HS256' | 'ES256' | 'EdDSA';
  token: string;
  /** One full verification, as the server's cache-miss path does it. */
  verify: () => JWTPayload | Promise<JWTPayload>;
}

/**
 * What verifying one access token costs in this process, per algorithm: a cache miss (the
 * signature and claims checked as the server does it: jsonwebtoken for HS256, jose with the
 * KeyObject held in memory for ES256 and EdDSA) and a hit (VerifiedTokenCache, the same for
 * every algorithm). The server pays the miss once per token, then hits.
 */
export async function verificationCost(
  durationSeconds: number,
): Promise<Row[]> {
  const cases = await buildCases();
  const rows: Row[] = [];
  for (const testCase of cases) {
    const check = (payload: JWTPayload) => {
      if (payload.aud !== AUDIENCE) {
        throw new Error(
          `${testCase.algorithm} verification returned no claims`,
        );
      }
    };
    const miss = await rate(durationSeconds, () => {
      const result = testCase.verify();
      return result instanceof Promise ? result.then(check) : check(result);
    });
    const cache = new VerifiedTokenCache();
    cache.remember(testCase.token, claimsOf(await testCase.verify()));
    const hit = await rate(durationSeconds, () => {
      if (!cache.get(testCase.token)) {
        throw new Error('the verified-token cache missed');
      }
    });
    rows.push(
      {
        name: `verify ${testCase.algorithm}, cache miss`,
        server: 'bench process',
        description: `${testCase.algorithm === 'HS256' ? 'jsonwebtoken.verify' : 'jose jwtVerify'} of one access token (KeyObject in memory), one after another: ${(1e6 / miss).toFixed(1)} µs each; a token's first request on an instance`,
        rps: miss,
      },
      {
        name: `verify ${testCase.algorithm}, cache hit`,
        server: 'bench process',
        description: `VerifiedTokenCache.get of an ${testCase.algorithm} token verified before: ${(1e6 / hit).toFixed(2)} µs each; every later request`,
        rps: hit,
      },
    );
  }
  return rows;
}

async function buildCases(): Promise<Case[]> {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    sub: randomUUID(),
    username: 'bench',
    roles: ['user'],
    scope: '*',
    jti: randomUUID(),
    typ: 'access',
  };
  const sign = (alg: string, kid: string | undefined, key: KeyObject) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg, typ: 'JWT', ...(kid ? { kid } : {}) })
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .sign(key);

  const secret = createSecretKey(randomBytes(48));
  const hs256 = await sign('HS256', undefined, secret);
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ed = generateKeyPairSync('ed25519');
  const es256 = await sign('ES256', 'ec-key', ec.privateKey);
  const eddsa = await sign('EdDSA', 'ed-key', ed.privateKey);
  // The keystore's way: the public key picked by kid from memory.
  const keys = new Map([
    ['ec-key', ec.publicKey],
    ['ed-key', ed.publicKey],
  ]);
  const asymmetric = (token: string) => async () =>
    (
      await jwtVerify(token, (header) => keys.get(header.kid ?? '')!, {
        algorithms: ['ES256', 'EdDSA'],
        issuer: ISSUER,
        audience: AUDIENCE,
        requiredClaims: ['exp'],
      })
    ).payload;
  return [
    {
      algorithm: 'HS256',
      token: hs256,
      // jsonwebtoken's typings predate KeyObject; it checks `instanceof KeyObject` at run time.
      verify: () =>
        jsonwebtoken.verify(hs256, secret as unknown as string, {
          algorithms: ['HS256'],
          issuer: ISSUER,
          audience: AUDIENCE,
        }) as JWTPayload,
    },
    { algorithm: 'ES256', token: es256, verify: asymmetric(es256) },
    { algorithm: 'EdDSA', token: eddsa, verify: asymmetric(eddsa) },
  ];
}

function claimsOf(payload: JWTPayload): AccessTokenClaims {
  return payload as unknown as AccessTokenClaims;
}

/**
 * Operations per second of `operation`, run back to back for `seconds` after a short warm-up.
 * A synchronous operation is not awaited: a microtask per call would dwarf a cache hit.
 */
async function rate(
  seconds: number,
  operation: () => void | Promise<void>,
): Promise<number> {
  const asynchronous = operation() instanceof Promise;
  const run = async (ms: number) => {
    let count = 0;
    const started = performance.now();
    let elapsed = 0;
    while (elapsed < ms) {
      // Batches keep the clock reads out of the figure.
      for (let i = 0; i < BATCH; i += 1) {
        if (asynchronous) {
          await operation();
        } else {
          void operation();
        }
      }
      count += BATCH;
      elapsed = performance.now() - started;
    }
    return (count * 1000) / elapsed;
  };
  await run(Math.min(500, seconds * 200));
  return run(seconds * 1000);
}

import jsonwebtoken from 'jsonwebtoken';
import type { Result } from 'autocannon';
import { toSample } from './load';
import { referenceToken } from './reference';
import type { BenchUser } from './seed';

const SECRET = 'a-bench-secret-of-enough-length-for-hs256-0123456789';

describe('referenceToken', () => {
  it("signs the user's token's claims, unchanged, with HS256 and the secret", () => {
    const claims = {
      sub: 'u1',
      username: 'alice',
      iss: 'gatehouse',
      aud: 'gatehouse-api',
      jti: 'j1',
      iat: 1_700_000_000,
      exp: 4_100_000_000,
    };
    const original = jsonwebtoken.sign(claims, 'another key entirely');
    const token = referenceToken(
      { username: 'alice', accessToken: original } as BenchUser,
      SECRET,
    );
    expect(jsonwebtoken.decode(token, { complete: true })?.header.alg).toBe(
      'HS256',
    );
    expect(
      jsonwebtoken.verify(token, SECRET, {
        algorithms: ['HS256'],
        issuer: 'gatehouse',
        audience: 'gatehouse-api',
      }),
    ).toEqual(claims);
  });

  it('refuses a token without claims', () => {
    expect(() =>
      referenceToken(
        { username: 'bob', accessToken: 'not-a-jwt' } as BenchUser,
        SECRET,
      ),
    ).toThrow("bob's access token has no claims");
  });
});

describe('toSample', () => {
  const result = {
    duration: 2,
    errors: 0,
    timeouts: 0,
    '2xx': 0,
    requests: { total: 100 },
    statusCodeStats: { '401': { count: 96 }, '500': { count: 4 } },
  } as unknown as Result;

  it('counts the expected status as the answers per second, the rest as failures', () => {
    const sample = toSample(
      { result, latencies: [] },
      100,
      { serverCpuMs: 10, clientCpuMs: 5 },
      401,
    );
    expect(sample.rps).toBe(48);
    expect(sample.failures).toEqual({ '500': 4 });
    expect(sample.serverCpuUs).toBe(100);
  });

  it('counts 2xx answers only when no status is expected', () => {
    const sample = toSample({ result, latencies: [] }, 100);
    expect(sample.rps).toBe(0);
    expect(sample.failures).toEqual({ '401': 96, '500': 4 });
  });
});

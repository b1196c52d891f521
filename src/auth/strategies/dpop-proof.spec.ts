import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  type JWK,
  SignJWT,
} from 'jose';
import {
  accessTokenHash,
  type DpopExpectation,
  dpopProofProblem,
  SeenDpopProofs,
} from './dpop-proof';

type ProofKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

const TOKEN = 'header.payload.signature';
const URL = 'https://auth.example.com/api/data';
const NOW = new Date('2026-11-29T12:00:00Z');
const NOW_SECONDS = NOW.getTime() / 1000;

describe(dpopProofProblem.name, () => {
  let key: ProofKey;
  let jwk: JWK;
  let expected: DpopExpectation;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    key = pair.privateKey;
    jwk = await exportJWK(pair.publicKey);
    expected = {
      method: 'GET',
      url: URL,
      accessToken: TOKEN,
      jkt: await calculateJwkThumbprint(jwk),
      now: NOW,
    };
  });

  function proof(
    claims: Record<string, unknown> = {},
    header: Record<string, unknown> = {},
    signingKey: ProofKey = key,
  ): Promise<string> {
    return new SignJWT({
      htm: 'GET',
      htu: URL,
      ath: accessTokenHash(TOKEN),
      jti: 'proof-1',
      iat: NOW_SECONDS,
      ...claims,
    })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk, ...header })
      .sign(signingKey);
  }

  it('accepts a proof for this method, URL and token, made just now', async () => {
    expect(await dpopProofProblem(await proof(), expected)).toBeNull();
  });

  it('ignores the query of either URL, and the case of the host', async () => {
    expect(
      await dpopProofProblem(
        await proof({ htu: 'https://AUTH.example.com/api/data?x=1' }),
        { ...expected, url: `${URL}?page=2` },
      ),
    ).toBeNull();
  });

  it.each([
    ['another method', { htm: 'POST' }, /htm/],
    ['another URL', { htu: 'https://auth.example.com/api/profile' }, /htu/],
    ['an htu that is no URL', { htu: 'data' }, /htu/],
    ['another token', { ath: accessTokenHash('other') }, /ath/],
    // Past the minute a proof lives, plus the 5 s of clock tolerance.
    ['an old proof', { iat: NOW_SECONDS - 66 }, /too old/],
    ['a proof from the future', { iat: NOW_SECONDS + 60 }, /from the future/],
    ['no ath', { ath: undefined }, /not a valid dpop\+jwt/],
    ['no jti', { jti: undefined }, /not a valid dpop\+jwt/],
  ])('refuses a proof for %s', async (_, claims, problem) => {
    expect(await dpopProofProblem(await proof(claims), expected)).toMatch(
      problem,
    );
  });

  it('refuses a proof of another type', async () => {
    expect(
      await dpopProofProblem(await proof({}, { typ: 'JWT' }), expected),
    ).toMatch(/not a valid dpop\+jwt/);
  });

  it('refuses a proof signed by another key than the one the token is bound to', async () => {
    const other = await generateKeyPair('ES256');
    const otherJwk = await exportJWK(other.publicKey);
    expect(
      await dpopProofProblem(
        await proof({}, { jwk: otherJwk }, other.privateKey),
        expected,
      ),
    ).toMatch(/another key/);
  });

  it('refuses a proof whose header names a key that did not sign it', async () => {
    const other = await generateKeyPair('ES256');
    expect(
      await dpopProofProblem(await proof({}, {}, other.privateKey), expected),
    ).toMatch(/not a valid dpop\+jwt/);
  });

  it('refuses a proof it has accepted before, when it is told what it has seen', async () => {
    const seen = new SeenDpopProofs();
    const once = await proof({ jti: 'replayed' });
    expect(await dpopProofProblem(once, { ...expected, seen })).toBeNull();
    expect(await dpopProofProblem(once, { ...expected, seen })).toMatch(
      /used before/,
    );
    // Another jti of the same key is another proof.
    expect(
      await dpopProofProblem(await proof({ jti: 'fresh' }), {
        ...expected,
        seen,
      }),
    ).toBeNull();
  });
});

describe(SeenDpopProofs.name, () => {
  it('forgets a proof once it could no longer pass the age check', () => {
    const seen = new SeenDpopProofs();
    expect(seen.firstUse('k', 'j', 0)).toBe(true);
    expect(seen.firstUse('k', 'j', 69_999)).toBe(false);
    expect(seen.firstUse('k', 'j', 70_000)).toBe(true);
  });

  it('keeps keys apart, and drops the oldest past its capacity', () => {
    const seen = new SeenDpopProofs(2);
    expect(seen.firstUse('k1', 'j', 0)).toBe(true);
    expect(seen.firstUse('k2', 'j', 0)).toBe(true);
    expect(seen.firstUse('k3', 'j', 0)).toBe(true);
    expect(seen.firstUse('k1', 'j', 1)).toBe(true);
    expect(seen.firstUse('k3', 'j', 1)).toBe(false);
  });
});

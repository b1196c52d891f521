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
});

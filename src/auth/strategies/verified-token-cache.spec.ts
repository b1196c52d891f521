import type { AccessTokenClaims } from '../../tokens/access-token.service';
import { VerifiedTokenCache } from './verified-token-cache';

function claims(exp: number, jti = 'j'): AccessTokenClaims {
  return {
    typ: 'access',
    sub: 'u',
    jti,
    iat: exp - 900,
    exp,
    scope: '*',
  } as AccessTokenClaims;
}

describe(VerifiedTokenCache.name, () => {
  it('answers only for the exact token text it was given', () => {
    const cache = new VerifiedTokenCache();
    const remembered = claims(2_000);
    cache.remember('a.b.c', remembered);
    expect(cache.get('a.b.c', 1_000_000)).toBe(remembered);
    expect(cache.get('a.b.C', 1_000_000)).toBeUndefined();
    expect(cache.get('a.b.c ', 1_000_000)).toBeUndefined();
  });

  it('forgets a token from the second its exp names, as jsonwebtoken would refuse it', () => {
    const cache = new VerifiedTokenCache();
    cache.remember('t', claims(2_000));
    expect(cache.get('t', 1_999_999)).toBeDefined();
    expect(cache.get('t', 2_000_000)).toBeUndefined();
    // Gone for good, even if the clock were to step back.
    expect(cache.get('t', 1_000_000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('holds at most its capacity, dropping the oldest first', () => {
    const cache = new VerifiedTokenCache(3);
    for (const token of ['t1', 't2', 't3', 't4']) {
      cache.remember(token, claims(2_000, token));
    }
    expect(cache.size).toBe(3);
    expect(cache.get('t1', 0)).toBeUndefined();
    expect(cache.get('t4', 0)?.jti).toBe('t4');
  });

  it('keeps the first claims remembered for a token', () => {
    const cache = new VerifiedTokenCache();
    const first = claims(2_000);
    cache.remember('t', first);
    cache.remember('t', claims(3_000));
    expect(cache.get('t', 0)).toBe(first);
  });
});

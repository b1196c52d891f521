import type { AccessTokenClaims } from '../../tokens/access-token.service';
import { setBounded } from '../../common/bounded-map';

/** Enough for every token in use by the busiest clients; at ~1 KB each, a few MB at most. */
const DEFAULT_CAPACITY = 10_000;

/**
 * Access tokens whose signature, algorithm, issuer and audience have been checked, by their
 * exact text. A hit skips only that work, which can never change for the same bytes under the
 * same key: expiry is checked again on every hit, and the blacklist and the user's state are
 * checked on every request after this cache, so nothing it holds can keep a revoked token,
 * a disabled user or a changed password alive. Entries leave when their token expires, or the
 * oldest first when the cache is full.
 */
export class VerifiedTokenCache<
  Claims extends { readonly exp: number } = AccessTokenClaims,
> {
  private readonly entries = new Map<string, Claims>();

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  get size(): number {
    return this.entries.size;
  }

  /** The claims of a token verified before and not expired at `nowMs`; otherwise undefined. */
  get(token: string, nowMs = Date.now()): Claims | undefined {
    const claims = this.entries.get(token);
    if (claims === undefined) {
      return undefined;
    }
    // jsonwebtoken's rule: expired once the current whole second reaches `exp`.
    if (Math.floor(nowMs / 1000) >= claims.exp) {
      this.entries.delete(token);
      return undefined;
    }
    return claims;
  }

  /** After a signing key is revoked: its tokens must be verified again (and fail). */
  clear(): void {
    this.entries.clear();
  }

  /** Call only with claims that jsonwebtoken (or jose) has just verified for exactly this token. */
  remember(token: string, claims: Claims): void {
    if (this.entries.has(token)) {
      return;
    }
    setBounded(this.entries, token, claims, this.capacity);
  }
}

import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, EmbeddedJWK, type JWK, jwtVerify } from 'jose';
import { setBounded } from '../../common/bounded-map';

/**
 * Asymmetric algorithms a client may sign its proofs with (never `none`, never HMAC): the ones
 * the OAuth provider binds tokens to (src/oauth/provider/provider-configuration.ts uses this
 * list), since a bound token's proofs come from the same key.
 */
export const DPOP_ALGORITHMS: ('ES256' | 'EdDSA')[] = ['ES256', 'EdDSA'];
/** How old a proof may be; proofs are made per request, so a minute is generous. */
export const DPOP_PROOF_MAX_AGE_SECONDS = 60;
/** Clocks of clients and server may disagree this much either way. */
export const DPOP_CLOCK_TOLERANCE_SECONDS = 5;

/** Enough for every proof of a busy minute; at ~100 bytes a key, a few MB at most. */
const SEEN_PROOFS_CAPACITY = 50_000;

/**
 * The proofs this instance accepted while they could still be accepted, by key and `jti`, so
 * that a proof captured on the way is not accepted twice (RFC 9449 §11.1). Per instance: a
 * replay to another instance behind the same load balancer is not caught, and under a flood
 * beyond the capacity the oldest are forgotten early.
 */
export class SeenDpopProofs {
  private readonly seen = new Map<string, number>();

  constructor(private readonly capacity = SEEN_PROOFS_CAPACITY) {}

  /** True the first time; false when the same key's proof with this jti was accepted already. */
  firstUse(jkt: string, jti: string, nowMs = Date.now()): boolean {
    const key = `${jkt}.${jti}`;
    const until = this.seen.get(key);
    if (until !== undefined && until > nowMs) {
      return false;
    }
    // As long as a proof with this jti could pass the iat check.
    const lifetimeMs =
      (DPOP_PROOF_MAX_AGE_SECONDS + 2 * DPOP_CLOCK_TOLERANCE_SECONDS) * 1000;
    setBounded(this.seen, key, nowMs + lifetimeMs, this.capacity);
    return true;
  }
}

export interface DpopExpectation {
  /** The request's method, e.g. `GET`. */
  readonly method: string;
  /** The request's URL as the client called it (query and fragment are ignored). */
  readonly url: string;
  /** The access token exactly as the Authorization header carried it. */
  readonly accessToken: string;
  /** The token's `cnf.jkt`. */
  readonly jkt: string;
  /** Where accepted proofs are remembered; without it, a replayed proof is not noticed. */
  readonly seen?: SeenDpopProofs;
  readonly now?: Date;
}

/** `scheme://host[:port]/path` of a URL, normalised (RFC 9449 §4.3: query and fragment ignored). */
function withoutQuery(url: string): string | null {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return null;
  }
}

/** base64url(SHA-256(token)): the proof's `ath` (RFC 9449 §4.2). */
export function accessTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/**
 * Checks a DPoP proof (RFC 9449 §4.3) for one request: a `dpop+jwt` signed by the public key
 * in its own header, that key being the one the access token is bound to, for this method and
 * URL, made in the last minute, for this very token, and not seen before (by this instance,
 * see SeenDpopProofs). Null when it holds, else what is wrong. Server nonces are not used.
 */
export async function dpopProofProblem(
  proof: string,
  expected: DpopExpectation,
): Promise<string | null> {
  let payload: Record<string, unknown>;
  let jwk: JWK | undefined;
  try {
    const verified = await jwtVerify(proof, EmbeddedJWK, {
      typ: 'dpop+jwt',
      algorithms: DPOP_ALGORITHMS,
      maxTokenAge: DPOP_PROOF_MAX_AGE_SECONDS,
      clockTolerance: DPOP_CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['jti', 'htm', 'htu', 'iat', 'ath'],
      currentDate: expected.now,
    });
    payload = verified.payload;
    jwk = verified.protectedHeader.jwk;
  } catch (error) {
    const reason = (error as { code?: string }).code;
    return reason === 'ERR_JWT_EXPIRED' ||
      (error as { claim?: string }).claim === 'iat'
      ? 'the DPoP proof is too old or from the future (make one per request)'
      : 'the DPoP proof is not a valid dpop+jwt signed by the key in its header';
  }
  if (!jwk || (await calculateJwkThumbprint(jwk)) !== expected.jkt) {
    return 'the DPoP proof is signed by another key than the one the token is bound to';
  }
  if (typeof payload.jti !== 'string' || payload.jti.length === 0) {
    return 'the DPoP proof has no jti';
  }
  if (payload.htm !== expected.method) {
    return `the DPoP proof's htm is not this request's method (${expected.method})`;
  }
  const htu =
    typeof payload.htu === 'string' ? withoutQuery(payload.htu) : null;
  if (htu === null || htu !== withoutQuery(expected.url)) {
    return `the DPoP proof's htu is not this request's URL (${withoutQuery(expected.url)})`;
  }
  if (payload.ath !== accessTokenHash(expected.accessToken)) {
    return 'the DPoP proof was made for another access token (ath)';
  }
  if (
    expected.seen &&
    !expected.seen.firstUse(
      expected.jkt,
      payload.jti,
      expected.now?.getTime() ?? Date.now(),
    )
  ) {
    return 'the DPoP proof was used before (make one per request)';
  }
  return null;
}

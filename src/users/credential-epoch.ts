/**
 * A user's `tokensValidAfter` (epoch ms) kills every credential issued at or before it. Access
 * tokens carry whole seconds (`iat`), so issuing and revoking both round so that no credential
 * issued after a revocation is born dead, and none issued before one survives it, even within
 * the same second.
 */

/** Dead when issued at or before the user's cut-off. */
export function isIssuedBefore(
  issuedAtMs: number,
  tokensValidAfter: number,
): boolean {
  return issuedAtMs <= tokensValidAfter;
}

/** The `iat` (seconds) of an access token issued now: strictly after the cut-off. */
export function accessTokenIssuedAt(
  tokensValidAfter: number,
  now = Date.now(),
): number {
  return Math.max(
    Math.floor(now / 1000),
    Math.floor(tokensValidAfter / 1000) + 1,
  );
}

/** The issue instant (ms) of a refresh token or session created now: strictly after the cut-off. */
export function credentialIssuedAt(
  tokensValidAfter: number,
  now = Date.now(),
): number {
  return Math.max(now, tokensValidAfter + 1);
}

/**
 * The new cut-off for "revoke everything issued so far": now, or past the second into which
 * the previous cut-off stamped tokens, whichever is later.
 */
export function nextTokensValidAfter(
  previous: number,
  now = Date.now(),
): number {
  return Math.max(now, (Math.floor(previous / 1000) + 1) * 1000);
}

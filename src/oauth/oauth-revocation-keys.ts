import { createHash } from 'node:crypto';

/**
 * What the token blacklist (src/tokens/revocation.service.ts) holds for OAuth: JWT access tokens
 * cannot be looked up, so revoking a grant or disabling a client blacklists its id, and the guard
 * checks a token's grant and client as well as its own jti. The blacklist's key is at most 36
 * characters and oidc-provider's ids are longer, hence a digest (which also keeps the kinds apart).
 */
export type OAuthRevocationKind = 'jti' | 'grant' | 'client';

export function oauthRevocationKey(
  kind: OAuthRevocationKind,
  id: string,
): string {
  return `o${createHash('sha256').update(`${kind}:${id}`).digest('base64url').slice(0, 35)}`;
}

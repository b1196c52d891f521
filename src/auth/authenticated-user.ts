import type { Role } from '../users/user.entity';
import type { AuthScheme } from './auth-schemes';

/**
 * Who made the request, whatever the scheme: what every strategy returns, what guards check and
 * what `@CurrentUser()` hands to a controller.
 *
 * Nearly always a user. An OAuth client-credentials token acts for the client itself: then
 * `kind` is `'client'`, `id` and `username` are the client id and `roles` is empty; only
 * routes marked `@AllowClients()` let one in (every other route answers 403).
 */
export interface AuthenticatedUser {
  /** The user's id, or the OAuth client's id when `kind` is `'client'`. */
  readonly id: string;
  readonly username: string;
  /** The user's roles now (not as they were when a token was issued). */
  readonly roles: readonly Role[];
  /** What the credential may do; `null` means everything the user may do (password, session). */
  readonly scopes: readonly string[] | null;
  readonly scheme: AuthScheme;
  /** The credential's own id: the token's `jti`, the key's id or the session's id; null for Basic. */
  readonly credentialId: string | null;
  /** For `jwt` and `oauth`: when the access token expires (epoch seconds), so a logout can keep its jti that long. */
  readonly expiresAt: number | null;
  /** Whom the credential acts for: a user, or (OAuth client credentials) an OAuth client. */
  readonly kind: PrincipalKind;
  /** For `oauth`: the OAuth client the token was issued to; null for the other schemes. */
  readonly clientId: string | null;
}

export type PrincipalKind = 'user' | 'client';

import type { Role } from '../users/user.entity';
import type { AuthScheme } from './auth-schemes';

/**
 * Who made the request, whatever the scheme: what every strategy returns, what guards check and
 * what `@CurrentUser()` hands to a controller.
 */
export interface AuthenticatedUser {
  readonly id: string;
  readonly username: string;
  /** The user's roles now (not as they were when a token was issued). */
  readonly roles: readonly Role[];
  /** What the credential may do; `null` means everything the user may do (password, session). */
  readonly scopes: readonly string[] | null;
  readonly scheme: AuthScheme;
  /** The credential's own id: the token's `jti`, the key's id or the session's id; null for Basic. */
  readonly credentialId: string | null;
  /** For `jwt`: when the access token expires (epoch seconds), so a logout can keep its jti that long. */
  readonly expiresAt: number | null;
}

import type { JWTPayload } from 'jose';
import { oauthRevocationKey } from '../../oauth/oauth-revocation-keys';
import { FULL_ACCESS } from '../scopes';

/** The `typ` header of OAuth JWT access tokens (RFC 9068 §2.1). */
export const OAUTH_ACCESS_TOKEN_TYPE = 'at+jwt';

/** Gatehouse's user ids; anything else in `sub` of a user's token cannot be ours. */
const USER_ID =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What the guard keeps of an OAuth access token whose signature, `iss`, `aud`, `exp` and `typ`
 * have been checked: read once from the payload, then used as is on every request that presents
 * the token (the blacklist keys are digests: worth computing once, not per request).
 */
export interface VerifiedOAuthToken {
  readonly exp: number;
  /** The user's id; for client credentials, the client id. */
  readonly sub: string;
  readonly clientId: string;
  readonly jti: string;
  readonly scopes: readonly string[];
  /** A client-credentials token: it acts for the client, not for a user (`sub === client_id`). */
  readonly forClient: boolean;
  /** `cnf.jkt`: the thumbprint of the DPoP key the token is bound to, or null. */
  readonly jkt: string | null;
  /** The blacklist keys of the token, its grant (when it has one) and its client. */
  readonly revocationKeys: readonly string[];
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/**
 * The token's meaning, if its claims are what Gatehouse's provider issues: `sub`, `client_id`,
 * `scope` (space separated), `jti`, `exp`, optionally `gid` and `cnf.jkt`. Null otherwise: a
 * token of ours always carries them, so a missing one is a token not meant for this API.
 */
export function verifiedOAuthToken(
  payload: JWTPayload,
): VerifiedOAuthToken | null {
  const {
    sub,
    jti,
    exp,
    scope,
    client_id: clientId,
    gid,
    cnf,
  } = payload as JWTPayload & Record<string, unknown>;
  if (
    !nonEmptyString(sub) ||
    !nonEmptyString(jti) ||
    !nonEmptyString(clientId) ||
    typeof scope !== 'string' ||
    typeof exp !== 'number' ||
    (gid !== undefined && !nonEmptyString(gid))
  ) {
    return null;
  }
  let jkt: string | null = null;
  if (cnf !== undefined) {
    const bound: unknown =
      typeof cnf === 'object' && cnf !== null
        ? (cnf as Record<string, unknown>).jkt
        : undefined;
    if (!nonEmptyString(bound)) {
      // A confirmation we cannot check (mTLS `x5t#S256`, or a malformed one) is not ignored.
      return null;
    }
    jkt = bound;
  }
  const forClient = sub === clientId;
  if (!forClient && !USER_ID.test(sub)) {
    return null;
  }
  const revocationKeys = [
    oauthRevocationKey('jti', jti),
    oauthRevocationKey('client', clientId),
  ];
  if (gid !== undefined) {
    revocationKeys.push(oauthRevocationKey('grant', gid));
  }
  return Object.freeze({
    exp,
    sub,
    clientId,
    jti,
    // `*` means "everything the user may do" to the guard; no OAuth grant may carry that.
    scopes: Object.freeze(
      scope.split(' ').filter((s) => s.length > 0 && s !== FULL_ACCESS),
    ),
    forClient,
    jkt,
    revocationKeys: Object.freeze(revocationKeys),
  });
}

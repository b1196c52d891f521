import type {
  ActiveSession,
  SessionsService,
} from '../sessions/sessions.service';
import { isIssuedBefore } from '../users/credential-epoch';
import type { UsersService } from '../users/users.service';

/**
 * The live console session a `sid` cookie names, and its user; null when there is none, or it
 * expired, was revoked, or its user is disabled or cut off by a credential revocation: the rule
 * the guard's session strategy applies, for code that reads the cookie outside the guard (the
 * OAuth provider's login check, the start of an external-account link).
 */
export async function liveConsoleSession(
  sessions: SessionsService,
  users: UsersService,
  token: string | undefined,
): Promise<{ session: ActiveSession; userId: string } | null> {
  if (!token) {
    return null;
  }
  const session = await sessions.verify(token);
  const state = session && (await users.getAuthState(session.userId));
  if (
    !session ||
    !state ||
    state.disabled ||
    (isIssuedBefore(session.issuedAt, state.tokensValidAfter) &&
      session.id !== state.tokensValidAfterExemptId)
  ) {
    return null;
  }
  return { session, userId: state.id };
}

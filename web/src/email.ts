// Email verification and password reset (issue 16): the emailed links carry their single-use
// token in the address's fragment (never sent to a server, never in a Referer); the pages read it
// once and take it out of the address. Free of React, so it can be tested as plain functions.
import type { Api, User } from './api';

/** The `token` in a link's fragment (`#token=…`), or null. */
export function tokenFromHash(hash: string): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('token');
  return token && token.trim() !== '' ? token.trim() : null;
}

/** Asks for a reset link; the answer is the same whether or not the address has an account. */
export async function requestPasswordReset(
  api: Api,
  email: string,
): Promise<string> {
  const answer = await api.post<{ message?: string }>(
    '/api/password/forgot',
    { email: email.trim() },
    { expectUnauthorized: true },
  );
  return (
    answer?.message ??
    'If an account has this email address, a link to reset its password is on its way.'
  );
}

/** Sets a new password with the emailed token; every session of the account ends. */
export async function resetPassword(
  api: Api,
  token: string,
  newPassword: string,
): Promise<void> {
  await api.post(
    '/api/password/reset',
    { token, new_password: newPassword },
    { expectUnauthorized: true },
  );
}

/** Confirms an address with the emailed token: the user as it now is. */
export async function verifyEmail(api: Api, token: string): Promise<User> {
  const answer = await api.post<{ user: User }>(
    '/api/email/verify',
    { token },
    { expectUnauthorized: true },
  );
  return answer.user;
}

/** A new link for the signed-in user's unverified address or pending change. */
export async function sendVerificationAgain(api: Api): Promise<string> {
  const answer = await api.post<{ message?: string }>(
    '/api/email/verification',
  );
  return answer?.message ?? 'A new link is on its way.';
}

/** A new link for someone refused sign-in until their address is verified. */
export async function resendVerificationTo(
  api: Api,
  email: string,
): Promise<string> {
  const answer = await api.post<{ message?: string }>(
    '/api/email/verification/resend',
    { email: email.trim() },
    { expectUnauthorized: true },
  );
  return (
    answer?.message ??
    'If this address waits for verification, a new link is on its way.'
  );
}

/**
 * The profile form's changes: only the fields that differ, so that saving a name does not also
 * re-send an unchanged email (a change of address asks for a recent sign-in and mails a link).
 */
export function profileChanges(
  user: Pick<User, 'first_name' | 'last_name' | 'email'>,
  values: { first_name: string; last_name: string; email: string },
): Partial<Record<'first_name' | 'last_name' | 'email', string | null>> {
  const changes: Partial<
    Record<'first_name' | 'last_name' | 'email', string | null>
  > = {};
  for (const field of ['first_name', 'last_name', 'email'] as const) {
    const next = values[field].trim() || null;
    if (next !== (user[field] ?? null)) {
      changes[field] = next;
    }
  }
  return changes;
}

/** What the profile says about the email address, and whether to offer a new link. */
export function emailStatus(
  user: Pick<User, 'email' | 'email_verified' | 'pending_email'>,
): { text: string; canResend: boolean } | null {
  if (user.pending_email) {
    return {
      text: `Waiting for confirmation of ${user.pending_email}: follow the link sent to it. Until then your address stays ${user.email ?? 'empty'}.`,
      canResend: true,
    };
  }
  if (user.email && user.email_verified === false) {
    return {
      text: `${user.email} is not verified yet: follow the link sent to it.`,
      canResend: true,
    };
  }
  if (user.email) {
    return { text: `${user.email} is verified.`, canResend: false };
  }
  return null;
}

/** The notice after saving the profile. */
export function profileSavedText(
  before: Pick<User, 'pending_email'>,
  after: Pick<User, 'email' | 'pending_email'>,
  changedEmail: boolean,
): string {
  if (
    changedEmail &&
    after.pending_email &&
    after.pending_email !== before.pending_email
  ) {
    return `Your profile is saved. A link to confirm ${after.pending_email} is on its way: your address changes once you follow it.`;
  }
  if (changedEmail && after.pending_email) {
    return `Your profile is saved. ${after.pending_email} still waits for confirmation.`;
  }
  return 'Your profile is saved.';
}

/** The refusal of a sign-in until the address is verified (REQUIRE_VERIFIED_EMAIL). */
export function needsVerifiedEmail(messages: readonly string[]): boolean {
  return messages.some((message) => /verify your email address/i.test(message));
}

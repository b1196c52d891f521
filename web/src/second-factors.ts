// The security page's authenticator-app (TOTP) and recovery-code parts, and the admin's view of
// a user's factors (issue 16): what they ask the server and how they read it, kept free of React
// so it can be tested as plain functions.
import type { Api } from './api';

/** `GET /api/second-factors`. */
export interface SecondFactorStatus {
  totp: { enabled: boolean; pending: boolean };
  recovery_codes: { remaining: number };
}

/** An enrolment started: what the authenticator app needs, shown until it is confirmed. */
export interface TotpEnrolment {
  secret: string;
  otpauth_uri: string;
  /** A `data:image/…` URL of the otpauth URI as a QR code. */
  qr_code: string;
}

/** `GET /api/users/:id/second-factors`, for administrators. */
export interface UserFactors {
  totp: boolean;
  passkeys: number;
  recovery_codes: number;
}

export function loadSecondFactors(api: Api): Promise<SecondFactorStatus> {
  return api.get<SecondFactorStatus>('/api/second-factors');
}

/** Starts (or restarts) an enrolment; 409 when the app is already on. */
export function startTotp(api: Api): Promise<TotpEnrolment> {
  return api.post<TotpEnrolment>('/api/second-factors/totp');
}

/** Turns the app on with its first code: the answer is the new recovery codes, shown once. */
export async function confirmTotp(api: Api, code: string): Promise<string[]> {
  const answer = await api.post<{ recovery_codes: string[] }>(
    '/api/second-factors/totp/confirm',
    { code: normaliseTotpCode(code) },
  );
  return answer.recovery_codes;
}

/**
 * Turns the app off. `code` is a code from the app or a recovery code; an account without a
 * password sends the code alone (and the server then wants a recent sign-in).
 */
export async function disableTotp(
  api: Api,
  { password, code }: { password: string | null; code: string },
): Promise<void> {
  await api.request('DELETE', '/api/second-factors/totp', {
    ...(password === null ? {} : { password }),
    code: normaliseAnyCode(code),
  });
}

/** New recovery codes; the old ones stop working. */
export async function regenerateRecoveryCodes(api: Api): Promise<string[]> {
  const answer = await api.post<{ recovery_codes: string[] }>(
    '/api/second-factors/recovery-codes',
  );
  return answer.recovery_codes;
}

export function loadUserFactors(
  api: Api,
  userId: string,
): Promise<UserFactors> {
  return api.get<UserFactors>(
    `/api/users/${encodeURIComponent(userId)}/second-factors`,
  );
}

/** Removes every factor of a user (who lost them): the app, recovery codes and passkeys. */
export function resetUserFactors(api: Api, userId: string): Promise<void> {
  return api.delete(`/api/users/${encodeURIComponent(userId)}/second-factors`);
}

export function hasAnyFactor(factors: UserFactors): boolean {
  return factors.totp || factors.passkeys > 0;
}

/**
 * A code from an authenticator app as typed: apps show "123 456", people paste with spaces or
 * a dash; the server wants the six digits.
 */
export function normaliseTotpCode(text: string): string {
  return text.replace(/[\s-]+/g, '');
}

/** A code that may be either kind: an app's loses its spaces, a recovery code keeps its dash. */
export function normaliseAnyCode(text: string): string {
  const trimmed = text.trim();
  return /^[\d\s-]+$/.test(trimmed) ? normaliseTotpCode(trimmed) : trimmed;
}

/** What is wrong with a typed app code before asking the server, or null. */
export function totpCodeProblem(text: string): string | null {
  const code = normaliseTotpCode(text);
  if (code === '') {
    return 'Enter the 6-digit code your authenticator app shows.';
  }
  return /^\d{6}$/.test(code)
    ? null
    : 'The code is the 6 digits your authenticator app shows.';
}

/** A base32 secret in groups of four, easier to type into an app by hand. */
export function groupSecret(secret: string): string {
  return (secret.replace(/\s+/g, '').match(/.{1,4}/g) ?? []).join(' ');
}

/**
 * The recovery codes as a text file to keep: which account and server they open, when they
 * were made, and that each works once.
 */
export function recoveryCodesFile(
  codes: readonly string[],
  { username, origin, at }: { username: string; origin: string; at: Date },
): string {
  return [
    `Gatehouse recovery codes for ${username} at ${origin}`,
    `Generated ${at.toISOString()}`,
    '',
    'Each code signs you in once, instead of a code from your authenticator app.',
    'Keep them somewhere safe; making new ones makes these stop working.',
    '',
    ...codes,
    '',
  ].join('\n');
}

/** What the recovery-code count means for the person. */
export function recoveryCodesSummary(remaining: number): {
  text: string;
  low: boolean;
} {
  if (remaining === 0) {
    return {
      text: 'You have no recovery codes left. Make new ones so that losing your authenticator app does not lock you out.',
      low: true,
    };
  }
  const text = `You have ${remaining} unused recovery code${remaining === 1 ? '' : 's'}.`;
  return remaining <= 3
    ? { text: `${text} Make new ones soon.`, low: true }
    : { text, low: false };
}

/** The admin's one line about a user's factors. */
export function describeUserFactors(factors: UserFactors): string {
  const parts = [
    factors.totp ? 'authenticator app on' : 'no authenticator app',
    factors.passkeys === 0
      ? 'no passkeys'
      : `${factors.passkeys} passkey${factors.passkeys === 1 ? '' : 's'}`,
  ];
  if (factors.totp) {
    parts.push(
      `${factors.recovery_codes} recovery code${factors.recovery_codes === 1 ? '' : 's'} left`,
    );
  }
  const text = parts.join(', ');
  return text.charAt(0).toUpperCase() + text.slice(1) + '.';
}

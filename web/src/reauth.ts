// Re-authentication (issue 16): a sensitive action refused for want of a recent sign-in asks the
// person to prove who they are again — with their password, a code or a passkey — and is then
// retried (api.ts). Which ways to offer and what each sends, free of React.
import type { Api } from './api';
import type { SecondFactorStatus } from './second-factors';
import { normaliseTotpCode } from './second-factors';

export type ReauthMethod = 'password' | 'totp' | 'recovery_code' | 'passkey';

export const REAUTH_LABELS: Record<ReauthMethod, string> = {
  password: 'Password',
  totp: 'Authenticator app',
  recovery_code: 'Recovery code',
  passkey: 'Passkey',
};

/**
 * The ways this account can re-authenticate, asked of the server when the prompt opens. What
 * cannot be known (a request failed) is offered anyway: the server has the last word.
 */
export async function reauthMethods(
  api: Api,
  webAuthn: boolean,
): Promise<ReauthMethod[]> {
  const [methods, factors, passkeys] = await Promise.all([
    api
      .get<{ has_password: boolean }>('/api/auth/identities')
      .catch(() => null),
    api.get<SecondFactorStatus>('/api/second-factors').catch(() => null),
    api.get<unknown[]>('/api/passkeys').catch(() => null),
  ]);
  const offered: ReauthMethod[] = [];
  if (methods?.has_password !== false) {
    offered.push('password');
  }
  if (factors?.totp.enabled !== false) {
    offered.push('totp');
  }
  if (factors === null || factors.recovery_codes.remaining > 0) {
    offered.push('recovery_code');
  }
  if (webAuthn && (passkeys === null || passkeys.length > 0)) {
    offered.push('passkey');
  }
  return offered;
}

/** The body `POST /api/auth/reauthenticate` takes for a typed answer, or what is wrong with it. */
export function reauthBody(
  method: Exclude<ReauthMethod, 'passkey'>,
  text: string,
): { body: Record<string, string> } | { problem: string } {
  if (method === 'password') {
    return text === ''
      ? { problem: 'Enter your password.' }
      : { body: { password: text } };
  }
  if (method === 'totp') {
    const code = normaliseTotpCode(text);
    return /^\d{6}$/.test(code)
      ? { body: { code } }
      : { problem: 'Enter the 6 digits your authenticator app shows.' };
  }
  return text.trim() === ''
    ? { problem: 'Enter one of your recovery codes.' }
    : { body: { recovery_code: text.trim() } };
}

/** Proves again who is signed in with a password or a code. */
export async function reauthenticate(
  api: Api,
  body: Record<string, string>,
): Promise<void> {
  await api.post('/api/auth/reauthenticate', body);
}

// The second sign-in step (issue 16): which ways the person may use, what each sends, and how
// to read a refusal — an expired challenge sends them back to the password. Free of React, so
// it can be tested as plain functions.
import {
  ApiError,
  errorText,
  type SecondFactorChallenge,
  type SecondFactorMethod,
  type SecondFactorProof,
} from './api';
import { retryMessage } from './format';
import { normaliseTotpCode } from './second-factors';

/** The ways offered, in the order a person most likely has them. */
const ORDER: SecondFactorMethod[] = ['passkey', 'totp', 'recovery_code'];

/** The choices' names (the fields they open have labels of their own, which must differ). */
export const METHOD_LABELS: Record<SecondFactorMethod, string> = {
  totp: 'Authenticator app',
  recovery_code: 'Recovery code',
  passkey: 'Passkey',
};

/**
 * The methods this challenge allows and the console can use: a passkey only with the options
 * to ask the browser with, and only in a browser that has WebAuthn.
 */
export function usableMethods(
  challenge: SecondFactorChallenge,
  webAuthn: boolean,
): SecondFactorMethod[] {
  return ORDER.filter(
    (method) =>
      challenge.methods.includes(method) &&
      (method !== 'passkey' || (webAuthn && challenge.passkeyOptions !== null)),
  );
}

/** The method shown first: the app's code when there is one (typing is quicker than choosing). */
export function firstMethod(
  methods: readonly SecondFactorMethod[],
): SecondFactorMethod | null {
  if (methods.includes('totp')) {
    return 'totp';
  }
  return methods[0] ?? null;
}

/** The proof a typed code makes, or what is wrong with it. */
export function typedProof(
  method: 'totp' | 'recovery_code',
  text: string,
): { proof: SecondFactorProof } | { problem: string } {
  if (method === 'totp') {
    const code = normaliseTotpCode(text);
    if (!/^\d{6}$/.test(code)) {
      return {
        problem: 'Enter the 6 digits your authenticator app shows.',
      };
    }
    return { proof: { code } };
  }
  const code = text.trim();
  if (code === '') {
    return { problem: 'Enter one of your recovery codes.' };
  }
  return { proof: { recovery_code: code } };
}

export function isChallengeExpired(
  challenge: SecondFactorChallenge,
  now: number = Date.now(),
): boolean {
  return now >= challenge.expiresAt;
}

/** The second step's refusal, read: start over from the password, or a message to show here. */
export function secondStepOutcome(
  error: unknown,
):
  { startOver: true; message: string } | { startOver: false; message: string } {
  if (error instanceof ApiError && error.status === 401) {
    const text = error.messages.join(' ');
    // Expired, used, unknown, or out of attempts: this challenge is over.
    if (/challenge/i.test(text)) {
      return {
        startOver: true,
        message:
          'Your sign-in took too long or was already used. Enter your password again.',
      };
    }
    return { startOver: false, message: text };
  }
  if (error instanceof ApiError && error.status === 429) {
    return { startOver: false, message: retryMessage(error.retryAfterSeconds) };
  }
  return { startOver: false, message: errorText(error) };
}

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

const METHODS: readonly SecondFactorMethod[] = [
  'totp',
  'recovery_code',
  'passkey',
];

/**
 * The second step handed over in an address's fragment, as the server does after a sign-in
 * through an external provider (`/sign-in/second-factor#challenge_token=…&expires_in=…&methods=…
 * &passkey_options=<base64url JSON>&next=…`): the challenge and where to go afterwards, or null
 * when the fragment holds no usable challenge.
 */
export function challengeFromHash(
  hash: string,
  now: number = Date.now(),
): { challenge: SecondFactorChallenge; next: string | null } | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const token = params.get('challenge_token')?.trim();
  if (!token) {
    return null;
  }
  const seconds = Number(params.get('expires_in'));
  const passkeyOptions = decodeOptions(params.get('passkey_options'));
  const methods = (params.get('methods') ?? '')
    .split(',')
    .filter((method): method is SecondFactorMethod =>
      METHODS.includes(method as SecondFactorMethod),
    )
    // A passkey needs the options to ask the browser with.
    .filter((method) => method !== 'passkey' || passkeyOptions !== null);
  return {
    challenge: {
      token,
      // Unknown: the server's default life of a challenge, five minutes.
      expiresAt:
        now + (Number.isFinite(seconds) && seconds > 0 ? seconds : 300) * 1000,
      methods,
      passkeyOptions,
    },
    next: params.get('next'),
  };
}

function decodeOptions(
  value: string | null,
): SecondFactorChallenge['passkeyOptions'] {
  if (!value) {
    return null;
  }
  try {
    const base64 = value.replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const parsed: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return typeof parsed === 'object' &&
      parsed !== null &&
      typeof (parsed as { challenge?: unknown }).challenge === 'string'
      ? (parsed as SecondFactorChallenge['passkeyOptions'])
      : null;
  } catch {
    return null;
  }
}

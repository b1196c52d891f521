import { generateSecret, generateURI, verify } from 'otplib';

/** RFC 6238 defaults every authenticator app understands: SHA-1, 6 digits, 30 s. */
export const TOTP_PERIOD_SECONDS = 30;
const SECRET_BYTES = 20;

export function newTotpSecret(): string {
  return generateSecret({ length: SECRET_BYTES });
}

export function otpauthUri(
  secret: string,
  issuer: string,
  account: string,
): string {
  return generateURI({ issuer, label: account, secret });
}

/** A TOTP code as people type it: six digits, maybe with spaces in between. */
export function looksLikeTotpCode(code: string): boolean {
  return /^\d{6}$/.test(code.replace(/\s+/g, ''));
}

/**
 * The time step `code` belongs to, if it is right for `secret` within one step either side
 * of `nowSeconds` (clock drift, a code typed as it turned) and later than `afterStep` (a code
 * already used, or an earlier one, is refused), else null.
 */
export async function matchingTimeStep(
  secret: string,
  code: string,
  nowSeconds: number,
  afterStep: number | null,
): Promise<number | null> {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) {
    return null;
  }
  const maxStep = Math.floor(nowSeconds / TOTP_PERIOD_SECONDS) + 1;
  // otplib throws when afterTimeStep lies past the window: nothing there can be accepted.
  if (afterStep !== null && afterStep >= maxStep) {
    return null;
  }
  const result = await verify({
    secret,
    token,
    epoch: nowSeconds,
    epochTolerance: TOTP_PERIOD_SECONDS,
    ...(afterStep === null ? {} : { afterTimeStep: afterStep }),
  });
  // The functional API's result also covers HOTP, whose answer has no time step.
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}

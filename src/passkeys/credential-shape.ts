import type {
  AuthenticationResponseJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';

const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** A credential id is at most 1023 bytes (WebAuthn §5.8.3), so 1364 base64url characters. */
const MAX_CREDENTIAL_ID_LENGTH = 1364;

/**
 * What is wrong with the outer shape of a browser's credential JSON, or null if it looks like one.
 * Checked before @simplewebauthn/server sees it, so that junk gets a message naming the field
 * rather than a TypeError from deep inside the library.
 */
export function registrationShapeProblem(credential: unknown): string | null {
  return (
    commonShapeProblem(credential) ??
    fieldsProblem(credential as { response: Record<string, unknown> }, [
      'clientDataJSON',
      'attestationObject',
    ])
  );
}

export function authenticationShapeProblem(credential: unknown): string | null {
  const problem =
    commonShapeProblem(credential) ??
    fieldsProblem(credential as { response: Record<string, unknown> }, [
      'clientDataJSON',
      'authenticatorData',
      'signature',
    ]);
  if (problem) {
    return problem;
  }
  const { userHandle } = (credential as AuthenticationResponseJSON).response;
  if (
    userHandle !== undefined &&
    userHandle !== null &&
    (typeof userHandle !== 'string' || !BASE64URL.test(userHandle))
  ) {
    return 'credential.response.userHandle must be a base64url string when present';
  }
  return null;
}

export function isRegistrationResponse(
  credential: unknown,
): credential is RegistrationResponseJSON {
  return registrationShapeProblem(credential) === null;
}

export function isAuthenticationResponse(
  credential: unknown,
): credential is AuthenticationResponseJSON {
  return authenticationShapeProblem(credential) === null;
}

function commonShapeProblem(credential: unknown): string | null {
  if (typeof credential !== 'object' || credential === null) {
    return 'credential must be the JSON of a PublicKeyCredential (as @simplewebauthn/browser returns it)';
  }
  const { id, rawId, type, response } = credential as Record<string, unknown>;
  if (
    typeof id !== 'string' ||
    !BASE64URL.test(id) ||
    id.length > MAX_CREDENTIAL_ID_LENGTH
  ) {
    return 'credential.id must be a base64url string of at most 1364 characters';
  }
  if (rawId !== id) {
    return 'credential.rawId must equal credential.id';
  }
  if (type !== 'public-key') {
    return 'credential.type must be "public-key"';
  }
  if (typeof response !== 'object' || response === null) {
    return 'credential.response must be an object';
  }
  return null;
}

function fieldsProblem(
  credential: { response: Record<string, unknown> },
  fields: readonly string[],
): string | null {
  for (const field of fields) {
    const value = credential.response[field];
    if (typeof value !== 'string' || !BASE64URL.test(value)) {
      return `credential.response.${field} must be a base64url string`;
    }
  }
  return null;
}

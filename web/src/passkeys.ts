// Passkeys (issue 16): registering, naming and deleting them, and the ceremonies that use one
// to sign in or re-authenticate. The browser's part (navigator.credentials through
// @simplewebauthn/browser) is passed in, so this stays testable as plain functions.
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/browser';
import { ApiError, type Api } from './api';

/** A passkey as `GET /api/passkeys` lists it. */
export interface Passkey {
  id: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
  /** Synced by its provider (a password manager, a platform account) rather than on one device. */
  backed_up: boolean;
  /** `singleDevice` or `multiDevice`, as WebAuthn names them. */
  device_type: string;
}

/** The browser's creation ceremony: @simplewebauthn/browser's startRegistration. */
export type Register = (options: {
  optionsJSON: PublicKeyCredentialCreationOptionsJSON;
}) => Promise<RegistrationResponseJSON>;

/** The browser's request ceremony: @simplewebauthn/browser's startAuthentication. */
export type Authenticate = (options: {
  optionsJSON: PublicKeyCredentialRequestOptionsJSON;
}) => Promise<AuthenticationResponseJSON>;

interface Ceremony<T> {
  ceremony_id: string;
  options: T;
}

export function listPasskeys(api: Api): Promise<Passkey[]> {
  return api.get<Passkey[]>('/api/passkeys');
}

/** Makes a passkey on this device (or a phone, a key) and saves it under `name`. */
export async function addPasskey(
  api: Api,
  register: Register,
  name: string,
): Promise<Passkey> {
  const ceremony = await api.post<
    Ceremony<PublicKeyCredentialCreationOptionsJSON>
  >('/api/passkeys/registration-options');
  const credential = await register({ optionsJSON: ceremony.options });
  const trimmed = name.trim();
  return api.post<Passkey>('/api/passkeys', {
    ceremony_id: ceremony.ceremony_id,
    credential,
    ...(trimmed ? { name: trimmed } : {}),
  });
}

export function renamePasskey(
  api: Api,
  id: string,
  name: string,
): Promise<Passkey> {
  return api.patch<Passkey>(`/api/passkeys/${encodeURIComponent(id)}`, {
    name: name.trim(),
  });
}

export function deletePasskey(api: Api, id: string): Promise<void> {
  return api.delete(`/api/passkeys/${encodeURIComponent(id)}`);
}

/** Signs in with a passkey alone: the browser offers the passkeys it holds for this site. */
export async function signInWithPasskey(api: Api, authenticate: Authenticate) {
  const ceremony = await api.post<
    Ceremony<PublicKeyCredentialRequestOptionsJSON>
  >('/api/passkeys/authentication-options', undefined, {
    expectUnauthorized: true,
  });
  const credential = await authenticate({ optionsJSON: ceremony.options });
  return api.signInWithPasskey(ceremony.ceremony_id, credential);
}

/** Proves again who is signed in, with one of their passkeys. */
export async function reauthenticateWithPasskey(
  api: Api,
  authenticate: Authenticate,
): Promise<void> {
  const ceremony = await api.post<
    Ceremony<PublicKeyCredentialRequestOptionsJSON>
  >('/api/auth/reauthenticate/passkey-options');
  const credential = await authenticate({ optionsJSON: ceremony.options });
  await api.post('/api/auth/reauthenticate', {
    ceremony_id: ceremony.ceremony_id,
    passkey: credential,
  });
}

/**
 * What to tell a person when a passkey ceremony failed: the server's words for a refusal, or
 * what the browser's error means (most often: the prompt was closed or timed out).
 */
export function passkeyErrorText(error: unknown): string {
  if (error instanceof ApiError) {
    return error.messages.join(' ');
  }
  const { name, code } = (error ?? {}) as { name?: string; code?: string };
  if (code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED') {
    return 'This device already holds a passkey for your account.';
  }
  if (code === 'ERROR_CEREMONY_ABORTED' || name === 'AbortError') {
    return 'The passkey request was cancelled.';
  }
  if (
    code === 'ERROR_INVALID_DOMAIN' ||
    code === 'ERROR_INVALID_RP_ID' ||
    name === 'SecurityError'
  ) {
    return 'This browser refused passkeys for this address: the server’s passkey settings (WEBAUTHN_RP_ID, WEBAUTHN_ORIGINS) do not match it.';
  }
  if (
    code === 'ERROR_PASSTHROUGH_SEE_CAUSE_PROPERTY' ||
    name === 'NotAllowedError'
  ) {
    return 'No passkey was used: the request was closed, timed out, or this device has no passkey for this site.';
  }
  if (name === 'TypeError' && error instanceof TypeError && !code) {
    return 'The server could not be reached. Check your connection and try again.';
  }
  return 'The passkey could not be used. Try again, or use another way.';
}

/** How a passkey is kept, in a few words. */
export function passkeyKind(passkey: Passkey): string {
  return passkey.backed_up || passkey.device_type === 'multiDevice'
    ? 'Synced passkey'
    : 'On one device';
}

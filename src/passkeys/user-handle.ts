/**
 * The WebAuthn user handle of an account: the UTF-8 bytes of its id. An opaque, stable value with
 * no personal data in it (WebAuthn §14.6.1), which an authenticator hands back on a passkey-only
 * sign-in so the server can check the passkey's owner.
 */
export function userHandleOf(userId: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(userId, 'utf8'));
}

/** The account id a base64url user handle names, or null if it cannot be one. */
export function userIdOfHandle(handle: string): string | null {
  const userId = Buffer.from(handle, 'base64url').toString('utf8');
  return /^[0-9a-f-]{36}$/i.test(userId) ? userId.toLowerCase() : null;
}

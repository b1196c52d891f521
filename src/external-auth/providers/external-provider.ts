import type { ExternalProfile } from '../flow/external-accounts';

/** What one sign-in carries from its start to its callback (kept in the flow cookie). */
export interface FlowChecks {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

/** One configured identity provider, as the flow controller uses it. */
export interface ExternalProvider {
  readonly name: string;
  readonly displayName: string;
  /** Where to send the browser; the request carries state, nonce (OIDC) and a S256 PKCE challenge. */
  authorizationUrl(redirectUri: string, checks: FlowChecks): Promise<URL>;
  /** Checks the provider's answer at `callbackUrl`, exchanges its code and says who signed in. */
  finish(callbackUrl: URL, checks: FlowChecks): Promise<ExternalProfile>;
}

/**
 * A failed sign-in whose message is meant for the person (it ends up on the console's page):
 * plain words, no internals, no tokens.
 */
export class ExternalSignInError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExternalSignInError';
  }
}

/** How long a provider gets to answer one request (discovery, token, user info). */
export const PROVIDER_TIMEOUT_SECONDS = 10;

// What the console's OAuth pages (/authorize/:uid, /apps, /device) ask the server and how they
// read its answers, kept free of React so it can be tested as plain functions.
import { type Api, ApiError } from './api';
import { retryMessage } from './format';

export interface OAuthScope {
  name: string;
  description: string;
}

export interface Interaction {
  uid: string;
  prompt: 'login' | 'consent';
  client: { client_id: string; client_name: string | null };
  scopes: OAuthScope[];
  user: { id: string; username: string } | null;
}

export interface Grant {
  grant_id: string;
  client_id: string;
  client_name: string | null;
  scopes: OAuthScope[];
  created_at: string;
}

/** What a person can do about an interaction: sign in (`login`), allow or deny; or read it. */
export type InteractionAction = 'login' | 'consent' | 'deny';

/** The interaction's own path is where the provider sends the browser (it forwards to this page). */
type InteractionResource = InteractionAction | 'details';

export function interactionPath(
  uid: string,
  resource: InteractionResource,
): string {
  return `/api/oauth/interactions/${encodeURIComponent(uid)}/${resource}`;
}

export function loadInteraction(api: Api, uid: string): Promise<Interaction> {
  return api.get<Interaction>(interactionPath(uid, 'details'));
}

/** Answers the interaction; the server says where the OAuth flow goes on (`redirectTo`). */
export async function finishInteraction(
  api: Api,
  uid: string,
  action: InteractionAction,
): Promise<string> {
  const answer = await api.post<{ redirectTo?: unknown }>(
    interactionPath(uid, action),
  );
  if (typeof answer?.redirectTo !== 'string' || answer.redirectTo === '') {
    throw new UnsafeRedirectError();
  }
  return answer.redirectTo;
}

/** The server's `redirectTo` was missing or not a web address (a `javascript:` URL, say). */
export class UnsafeRedirectError extends Error {
  constructor() {
    super('The server did not say where to go next.');
    this.name = 'UnsafeRedirectError';
  }
}

/**
 * The address to navigate to for `redirectTo`, resolved against this page: http(s) only, so an
 * answer can never make the page run a `javascript:` or `data:` URL.
 */
export function redirectTarget(redirectTo: string, base: string): string {
  let url: URL;
  try {
    url = new URL(redirectTo, base);
  } catch {
    throw new UnsafeRedirectError();
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UnsafeRedirectError();
  }
  return url.href;
}

/** The app's name as people know it; its id when it was registered without one. */
export function clientLabel(client: {
  client_id: string;
  client_name: string | null;
}): string {
  return client.client_name?.trim() || client.client_id;
}

export interface Problem {
  title: string;
  text: string;
  /** The server's own words, when they add something. */
  detail: string | null;
  /**
   * What the person can do: the same again (a network failure, a server error, a rate limit),
   * sign in again (the session ended), or only start over from the app (the request is gone).
   */
  next: 'retry' | 'sign-in' | 'start-over';
}

/** A failed interaction request in plain words, for the page (never a redirect). */
export function interactionProblem(error: unknown): Problem {
  if (error instanceof UnsafeRedirectError) {
    return {
      title: 'Something went wrong',
      text: 'The server did not say where to go next. Go back to the app you came from and start again.',
      detail: null,
      next: 'start-over',
    };
  }
  if (!(error instanceof ApiError)) {
    return {
      title: 'The server could not be reached',
      text: 'Check your connection and try again.',
      detail: null,
      next: 'retry',
    };
  }
  const detail = error.messages.join(' ') || null;
  switch (error.status) {
    case 404:
      return {
        title: 'This request has expired',
        text: 'It is unknown or too old to finish. Go back to the app you came from and start again.',
        detail,
        next: 'start-over',
      };
    case 400:
      return {
        title: 'This request cannot go on here',
        text: 'It was started in another browser, or it has been answered already. Go back to the app you came from and start again, in this browser.',
        detail,
        next: 'start-over',
      };
    case 401:
      return {
        title: 'Your session has ended',
        text: 'Sign in again to continue.',
        detail: null,
        next: 'sign-in',
      };
    case 429:
      return {
        title: 'Too many attempts',
        text: retryMessage(error.retryAfterSeconds),
        detail: null,
        next: 'retry',
      };
    default:
      return {
        title: 'Something went wrong',
        text:
          error.status >= 500
            ? 'The server could not finish this request. Try again in a moment.'
            : 'The server refused this request.',
        detail,
        next: error.status >= 500 ? 'retry' : 'start-over',
      };
  }
}

export function listGrants(api: Api): Promise<Grant[]> {
  return api.get<Grant[]>('/api/oauth/grants');
}

/** Revokes the consent and every token issued under it. */
export function disconnectGrant(api: Api, grantId: string): Promise<void> {
  return api.delete(`/api/oauth/grants/${encodeURIComponent(grantId)}`);
}

/**
 * The code a device shows (`BCDF-GHJK`), as typed: any case, with or without the dash or spaces.
 * Eight characters get their dash back, as the device shows them; the server normalizes again.
 */
export function normalizeUserCode(
  input: string,
): { code: string } | { error: string } {
  const bare = input.replace(/[\s-]+/g, '').toUpperCase();
  if (bare === '') {
    return { error: 'Enter the code your device shows.' };
  }
  if (!/^[A-Z0-9]+$/.test(bare)) {
    return { error: 'The code has letters and digits only, like BCDF-GHJK.' };
  }
  return {
    code: bare.length === 8 ? `${bare.slice(0, 4)}-${bare.slice(4)}` : bare,
  };
}

/** Where the device flow goes on: the provider's verification endpoint, a full navigation. */
export function deviceVerificationUrl(code: string): string {
  return `/oauth/device?user_code=${encodeURIComponent(code)}`;
}

const MAX_MESSAGE = 200;

/**
 * What the server said when it sent the browser back to /device: `?done=1` or `?error=…`.
 * The message comes from the address, which anyone can write, so it is shown as text, short,
 * and always as what it is: why the code was not accepted.
 */
export function deviceOutcome(query: URLSearchParams): {
  done: boolean;
  error: string | null;
} {
  const error = query.get('error')?.trim() || null;
  return {
    done: query.get('done') === '1',
    error:
      error && error.length > MAX_MESSAGE
        ? `${error.slice(0, MAX_MESSAGE)}…`
        : error,
  };
}

// The console's one door to the server: the public REST API, with the `sid` cookie (sent by the
// browser, never readable here) and the session's CSRF token, kept in this object's memory only.
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/browser';

/** The API's error shape: `{statusCode, error, message}`; validation gives several messages. */
export interface ApiErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
  /** Set on a 403 that asks to sign in again first: `reauthentication_required`. */
  reason?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody | null,
    /** Seconds to wait, from `Retry-After` (429, a locked-out sign-in). */
    readonly retryAfterSeconds: number | null,
  ) {
    super(messagesOf(body).join(' ') || `The server answered ${status}.`);
    this.name = 'ApiError';
  }

  get messages(): string[] {
    const messages = messagesOf(this.body);
    return messages.length > 0 ? messages : [this.message];
  }
}

function messagesOf(body: ApiErrorBody | null): string[] {
  if (!body) {
    return [];
  }
  return Array.isArray(body.message) ? body.message : [body.message];
}

/** `Retry-After` as seconds from now: delta-seconds or an HTTP date (RFC 9110). */
export function parseRetryAfter(
  value: string | null,
  now: number = Date.now(),
): number | null {
  if (!value) {
    return null;
  }
  if (/^\d+$/.test(value.trim())) {
    return Number(value.trim());
  }
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

export interface SessionAnswer {
  user: User;
  csrf_token: string;
}

export type SecondFactorMethod = 'totp' | 'recovery_code' | 'passkey';

/**
 * The password was right and the account has a second factor: the challenge the second step
 * answers. Kept in memory only (never web storage): it is half a sign-in.
 */
export interface SecondFactorChallenge {
  token: string;
  /** When it dies, in the browser's clock (ms). */
  expiresAt: number;
  methods: SecondFactorMethod[];
  passkeyOptions: PublicKeyCredentialRequestOptionsJSON | null;
}

/** What `POST /api/session` answers for an account with a second factor. */
interface SecondFactorAnswer {
  second_factor_required: true;
  challenge_token: string;
  expires_in: number;
  methods: SecondFactorMethod[];
  passkey_options: PublicKeyCredentialRequestOptionsJSON | null;
}

export type SignInResult =
  | { kind: 'signed-in'; user: User }
  | { kind: 'second-factor'; challenge: SecondFactorChallenge };

/** How the second step proves the person: one of these with the challenge token. */
export type SecondFactorProof =
  | { code: string }
  | { recovery_code: string }
  | { passkey: AuthenticationResponseJSON };

export interface User {
  id: string;
  username: string;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  roles: string[];
  disabled: boolean;
  email_verified: boolean;
  /** An address asked for and not confirmed yet: `email` changes once its link is followed. */
  pending_email: string | null;
  created_at: string;
  updated_at: string;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  /**
   * A 401 here is an answer, not a lost session (a wrong password at sign-in): do not send
   * the person back to the sign-in page.
   */
  expectUnauthorized?: boolean;
  headers?: Record<string, string>;
}

const CSRF_REFUSAL = 'X-CSRF-Token';

export const REAUTHENTICATION_CANCELLED =
  'Not done: this action needs you to confirm it’s you first.';

export class Api {
  private csrfToken: string | null = null;
  private reauthentication: Promise<boolean> | null = null;
  /** Called on any 401: the session ended (signed out elsewhere, disabled, expired). */
  onUnauthorized: () => void = () => undefined;
  /**
   * Called when an action answers 403 `reauthentication_required`: asks the person to prove who
   * they are again, resolving true once they did (the action is then retried, once) or false
   * when they gave up (the refusal goes to the caller). Requests waiting together share one ask.
   */
  onReauthenticationRequired: (() => Promise<boolean>) | null = null;

  constructor(
    private readonly fetcher: typeof fetch = (input, init) =>
      globalThis.fetch(input, init),
  ) {}

  setCsrfToken(token: string | null): void {
    this.csrfToken = token;
  }

  /** The session's CSRF token, for the one navigation that needs it (linking a provider). */
  get csrf(): string | null {
    return this.csrfToken;
  }

  get<T>(path: string, options?: RequestOptions): Promise<T> {
    return this.request<T>('GET', path, undefined, options);
  }
  post<T>(path: string, body?: unknown, options?: RequestOptions): Promise<T> {
    return this.request<T>('POST', path, body, options);
  }
  patch<T>(path: string, body: unknown, options?: RequestOptions): Promise<T> {
    return this.request<T>('PATCH', path, body, options);
  }
  delete(path: string, options?: RequestOptions): Promise<void> {
    return this.request<void>('DELETE', path, undefined, options);
  }

  /**
   * Signs in with the cookie session; the answer's CSRF token is kept for later writes. An
   * account with a second factor is not signed in yet: the answer is the second step's challenge.
   */
  async signIn(username: string, password: string): Promise<SignInResult> {
    const answer = await this.post<SessionAnswer | SecondFactorAnswer>(
      '/api/session',
      { username, password },
      { expectUnauthorized: true },
    );
    if ('second_factor_required' in answer && answer.second_factor_required) {
      return {
        kind: 'second-factor',
        challenge: {
          token: answer.challenge_token,
          expiresAt: Date.now() + answer.expires_in * 1000,
          methods: answer.methods,
          passkeyOptions: answer.passkey_options ?? null,
        },
      };
    }
    return { kind: 'signed-in', user: this.keep(answer as SessionAnswer) };
  }

  /** The second step: the challenge and one proof make the session. */
  async completeSignIn(
    challenge: SecondFactorChallenge,
    proof: SecondFactorProof,
  ): Promise<User> {
    const answer = await this.post<SessionAnswer>(
      '/api/session/second-factor',
      { challenge_token: challenge.token, ...proof },
      { expectUnauthorized: true },
    );
    return this.keep(answer);
  }

  /** Signs in with a passkey alone (it verified the person: two factors by itself). */
  async signInWithPasskey(
    ceremonyId: string,
    credential: AuthenticationResponseJSON,
  ): Promise<User> {
    const answer = await this.post<SessionAnswer>(
      '/api/session/passkey',
      { ceremony_id: ceremonyId, credential },
      { expectUnauthorized: true },
    );
    return this.keep(answer);
  }

  private keep(answer: SessionAnswer): User {
    this.csrfToken = answer.csrf_token;
    return answer.user;
  }

  /** The signed-in user after a page load, and the CSRF token the load lost; null if none. */
  async resume(): Promise<User | null> {
    try {
      const answer = await this.get<SessionAnswer>('/api/session', {
        expectUnauthorized: true,
      });
      this.csrfToken = answer.csrf_token;
      return answer.user;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        return null;
      }
      throw error;
    }
  }

  request<T>(
    method: Method,
    path: string,
    body?: unknown,
    options: RequestOptions = {},
  ): Promise<T> {
    return this.send<T>(method, path, body, options, {
      csrf: false,
      reauthentication: false,
    });
  }

  private async send<T>(
    method: Method,
    path: string,
    body: unknown,
    options: RequestOptions,
    retried: { csrf: boolean; reauthentication: boolean },
  ): Promise<T> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...options.headers,
    };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
    }
    if (method !== 'GET' && this.csrfToken) {
      headers['x-csrf-token'] = this.csrfToken;
    }
    const response = await this.fetcher(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
    if (response.ok) {
      if (response.status === 204) {
        return undefined as T;
      }
      return (await response.json()) as T;
    }
    const error = new ApiError(
      response.status,
      await errorBody(response),
      parseRetryAfter(response.headers.get('retry-after')),
    );
    if (error.status === 401 && !options.expectUnauthorized) {
      this.csrfToken = null;
      this.onUnauthorized();
    }
    // The token went missing (another tab, an old session): fetch it again, once.
    if (
      error.status === 403 &&
      !retried.csrf &&
      method !== 'GET' &&
      error.message.includes(CSRF_REFUSAL) &&
      (await this.resume()) !== null
    ) {
      return this.send<T>(method, path, body, options, {
        ...retried,
        csrf: true,
      });
    }
    // A sensitive action and a sign-in that is not recent: prove it again, then retry once.
    if (isReauthenticationRequired(error) && !retried.reauthentication) {
      if (await this.reauthenticate()) {
        return this.send<T>(method, path, body, options, {
          ...retried,
          reauthentication: true,
        });
      }
      if (this.onReauthenticationRequired) {
        // The person closed the prompt: say so in the console's words, not the API's.
        throw new ApiError(
          403,
          {
            ...(error.body as ApiErrorBody),
            message: REAUTHENTICATION_CANCELLED,
          },
          null,
        );
      }
    }
    throw error;
  }

  private async reauthenticate(): Promise<boolean> {
    const ask = this.onReauthenticationRequired;
    if (!ask) {
      return false;
    }
    this.reauthentication ??= ask().finally(() => {
      this.reauthentication = null;
    });
    return this.reauthentication;
  }
}

/** A 403 asking to sign in again (or show a factor) before this action. */
export function isReauthenticationRequired(error: unknown): boolean {
  return (
    error instanceof ApiError &&
    error.status === 403 &&
    error.body?.reason === 'reauthentication_required'
  );
}

async function errorBody(response: Response): Promise<ApiErrorBody | null> {
  try {
    const body = (await response.json()) as Partial<ApiErrorBody>;
    return typeof body.statusCode === 'number' ? (body as ApiErrorBody) : null;
  } catch {
    return null;
  }
}

/**
 * The API's validation messages sorted by the field they name (class-validator starts each with
 * the property), so the form can show them next to the field; the rest belong to the form.
 */
export function fieldErrors<F extends string>(
  messages: readonly string[],
  fields: readonly F[],
): { byField: Partial<Record<F, string[]>>; other: string[] } {
  const byField: Partial<Record<F, string[]>> = {};
  const other: string[] = [];
  for (const message of messages) {
    const field = fields.find(
      (name) => message === name || message.startsWith(`${name} `),
    );
    if (field) {
      (byField[field] ??= []).push(message);
    } else {
      other.push(message);
    }
  }
  return { byField, other };
}

/** What to tell a person about a failed request: the API's own words, or that it was unreachable. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    return error.messages.join(' ');
  }
  return 'The server could not be reached. Check your connection and try again.';
}

/** The one client of this page. */
export const api = new Api();

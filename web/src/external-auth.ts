// What the console's external sign-in parts (the provider buttons, /sign-in-methods) ask the
// server and how they read its answers (issue 15), kept free of React so it can be tested as
// plain functions.
import type { Api } from './api';
import { safeNext } from './router';

/** A configured provider, as `GET /api/auth/providers` lists it. */
export interface AuthProvider {
  name: string;
  display_name: string;
}

/** An external account linked to the signed-in one. */
export interface LinkedIdentity {
  id: string;
  provider: string;
  display_name: string;
  email: string | null;
  linked_at: string;
}

export interface SignInMethods {
  identities: LinkedIdentity[];
  has_password: boolean;
}

/**
 * The configured providers; none when the server has none, or cannot say (the password form
 * still works, so a failed list only hides the buttons). Entries without a usable name are
 * dropped: each becomes a link.
 */
export async function listProviders(api: Api): Promise<AuthProvider[]> {
  let answer: unknown;
  try {
    answer = await api.get<unknown>('/api/auth/providers', {
      expectUnauthorized: true,
    });
  } catch {
    return [];
  }
  if (!Array.isArray(answer)) {
    return [];
  }
  return answer.flatMap((entry: unknown) => {
    const { name, display_name: displayName } = (entry ?? {}) as Record<
      string,
      unknown
    >;
    if (typeof name !== 'string' || name === '') {
      return [];
    }
    return [
      {
        name,
        display_name:
          typeof displayName === 'string' && displayName.trim() !== ''
            ? displayName.trim()
            : name,
      },
    ];
  });
}

/**
 * Where a provider's button goes, with a full navigation: the server's start endpoint, which
 * sends the browser to the provider. `next` is where the console goes after signing in, only
 * ever a page of this console (anything else becomes the profile); `link` links the provider's
 * account to the signed-in one instead of signing in.
 */
export function providerStartUrl(
  provider: string,
  options: { next: string | null; link?: { csrf: string | null } },
): string {
  const query = new URLSearchParams();
  if (options.link) {
    query.set('link', '1');
  }
  query.set('next', safeNext(options.next));
  if (options.link?.csrf) {
    query.set('csrf', options.link.csrf);
  }
  return `/api/auth/providers/${encodeURIComponent(provider)}/start?${query}`;
}

/**
 * Where "Link <provider>" goes: back to the sign-in methods page afterwards. A link changes the
 * account, so the server wants the session's CSRF token with it (a plain navigation carries no
 * header, hence the query).
 */
export function providerLinkUrl(provider: string, csrf: string | null): string {
  return providerStartUrl(provider, {
    next: '/sign-in-methods',
    link: { csrf },
  });
}

export function loadSignInMethods(api: Api): Promise<SignInMethods> {
  return api.get<SignInMethods>('/api/auth/identities');
}

/** Unlinks one identity; a 409 (the last way to sign in) is the caller's to show. */
export function unlinkIdentity(api: Api, identityId: string): Promise<void> {
  return api.delete(`/api/auth/identities/${encodeURIComponent(identityId)}`);
}

/** Sets the first password of an account created through a provider. */
export async function setFirstPassword(
  api: Api,
  password: string,
): Promise<void> {
  await api.post('/api/auth/password', { password });
}

/** The providers offered for linking: the configured ones not linked yet. */
export function linkableProviders(
  providers: readonly AuthProvider[],
  identities: readonly LinkedIdentity[],
): AuthProvider[] {
  const linked = new Set(identities.map((identity) => identity.provider));
  return providers.filter((provider) => !linked.has(provider.name));
}

const MAX_MESSAGE = 200;

/**
 * A message the server put in the address (`?error=…` after a failed sign-in or link). Anyone can
 * write an address, so it is only ever shown as text, on one line, short, and framed as what it
 * is; null when there is none.
 */
export function messageFromQuery(
  query: URLSearchParams,
  key: string,
): string | null {
  const raw = query.get(key);
  if (raw === null) {
    return null;
  }
  // Control characters (new lines) become spaces, and invisible format characters (bidi
  // overrides, zero-width ones) go: they could make the text read as something else.
  const text = raw.replace(/\p{Cc}+/gu, ' ').replace(/\p{Cf}+/gu, '');
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean === '') {
    return null;
  }
  return clean.length > MAX_MESSAGE ? `${clean.slice(0, MAX_MESSAGE)}…` : clean;
}

/**
 * `?linked=<provider>` after linking: said only when that provider is linked for real (the
 * address alone proves nothing), with its display name.
 */
export function linkedMessage(
  query: URLSearchParams,
  identities: readonly LinkedIdentity[],
): string | null {
  const name = query.get('linked');
  const identity = identities.find((candidate) => candidate.provider === name);
  if (!identity) {
    return null;
  }
  const label = identity.display_name.trim() || identity.provider;
  return `Your ${label} account is linked: you can sign in with it from now on.`;
}

// A router of a few lines: the History API and one hook, enough for a dozen pages.
import { useSyncExternalStore } from 'react';

const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

function current(): string {
  return window.location.pathname + window.location.search;
}

export function navigate(
  to: string,
  options: { replace?: boolean } = {},
): void {
  if (to === current()) {
    return;
  }
  if (options.replace) {
    window.history.replaceState(null, '', to);
  } else {
    window.history.pushState(null, '', to);
  }
  for (const listener of listeners) {
    listener();
  }
}

/** The current path and query, re-rendering on every navigation. */
export function useLocation(): { path: string; query: URLSearchParams } {
  const location = useSyncExternalStore(subscribe, current);
  const [path, search = ''] = location.split('?', 2);
  return { path, query: new URLSearchParams(search) };
}

/** Where to go after signing in: only a path of this console, never another site. */
export function safeNext(next: string | null): string {
  return next && /^\/(?![/\\])/.test(next) && !next.startsWith('/api')
    ? next
    : '/profile';
}

/** Pages for anyone, whose visitors are sent on to their profile once signed in. */
export const PUBLIC_PATHS = [
  '/sign-in',
  '/sign-up',
  '/forgot-password',
  // The second step after a sign-in through a provider.
  '/sign-in/second-factor',
];

/**
 * Where the emailed links land, signed in or not: the token is in the address's fragment, which
 * a redirect would lose.
 */
export const LINK_PATHS = ['/reset-password', '/verify-email'];

/**
 * Pages reached from another app, device or an email, the same whether signed in or not: they
 * never send the browser elsewhere (the OAuth page signs in in place and must keep its address).
 */
export function isOpenPath(path: string): boolean {
  return (
    matchPath('/authorize/:uid', path) !== null ||
    path === '/device' ||
    LINK_PATHS.includes(path)
  );
}

/** Where the console sends a browser that is on `path`, or null to stay. */
export function redirectFor(
  signedIn: boolean,
  path: string,
  query: URLSearchParams,
): string | null {
  if (isOpenPath(path)) {
    return null;
  }
  const isPublic = PUBLIC_PATHS.includes(path);
  if (!signedIn && !isPublic) {
    return path === '/'
      ? '/sign-in'
      : `/sign-in?next=${encodeURIComponent(path + (query.size ? `?${query}` : ''))}`;
  }
  if (signedIn && (isPublic || path === '/')) {
    return safeNext(query.get('next'));
  }
  return null;
}

/** `pattern` like `/admin/users/:id` against `path`: the parameters, or null. */
export function matchPath(
  pattern: string,
  path: string,
): Record<string, string> | null {
  const want = pattern.split('/');
  const have = path.replace(/\/+$/, '').split('/');
  if (want.length !== have.length) {
    return null;
  }
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i += 1) {
    if (want[i].startsWith(':')) {
      params[want[i].slice(1)] = decodeURIComponent(have[i]);
    } else if (want[i] !== have[i]) {
      return null;
    }
  }
  return params;
}

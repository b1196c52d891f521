import { createHmac, timingSafeEqual } from 'node:crypto';

/** The flow cookie's name; its path is the provider's callback, so only that URL gets it. */
export const FLOW_COOKIE = 'gatehouse_external_flow';
/** Long enough to sign in at a provider (and set up two-factor there), short enough to go stale. */
export const FLOW_TTL_SECONDS = 600;

/** What the start of a sign-in leaves for its callback, bound to this browser by the cookie. */
export interface FlowState {
  /** The provider it was started for: a cookie is never used at another's callback. */
  provider: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  /** The console path to land on. */
  next: string;
  /** `link`: add the identity to `userId`, who was signed in at the start. */
  mode: 'sign-in' | 'link';
  userId: string | null;
  /** Unix seconds after which the flow is refused. */
  expiresAt: number;
}

/** `payload.signature`, both base64url: signed (HMAC-SHA256), not encrypted; it is HttpOnly. */
export function sealFlow(state: FlowState, key: Buffer): string {
  const payload = Buffer.from(JSON.stringify(state)).toString('base64url');
  return `${payload}.${sign(payload, key)}`;
}

/**
 * The flow the cookie holds, or why not: `invalid` (absent, altered, signed with another key or
 * malformed) or `expired`.
 */
export function openFlow(
  cookie: string | undefined,
  key: Buffer,
  now = Date.now(),
): FlowState | 'invalid' | 'expired' {
  if (!cookie || cookie.length > 4096) {
    return 'invalid';
  }
  const [payload, signature, extra] = cookie.split('.');
  if (!payload || !signature || extra !== undefined) {
    return 'invalid';
  }
  const expected = Buffer.from(sign(payload, key));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return 'invalid';
  }
  let state: FlowState;
  try {
    state = JSON.parse(
      Buffer.from(payload, 'base64url').toString('utf8'),
    ) as FlowState;
  } catch {
    return 'invalid';
  }
  if (typeof state?.expiresAt !== 'number') {
    return 'invalid';
  }
  return state.expiresAt * 1000 <= now ? 'expired' : state;
}

function sign(payload: string, key: Buffer): string {
  return createHmac('sha256', key).update(payload).digest('base64url');
}

/**
 * A console path to land on (the console's own rule, web/src/router.ts `safeNext`): one leading
 * '/', not '//' or '/\' (another host), not the API. Null for anything else.
 */
export function consolePath(next: string): string | null {
  return /^\/(?![/\\])/.test(next) &&
    !next.startsWith('/api') &&
    next.length <= 2048 &&
    // No control characters (a header split) in what becomes a Location.
    ![...next].some((char) => char.charCodeAt(0) < 0x20 || char === '\x7f')
    ? next
    : null;
}

/**
 * The single redaction list: any key named here (case-insensitive), or ending in `_token`,
 * never reaches a log line with its value.
 */
const SECRET_KEYS = new Set([
  'authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'x-csrf-token',
  'password',
  'current_password',
  'new_password',
  'key',
  'api_key',
  'secret',
  'sid',
  // OAuth: codes and what proves them, which can ride in a query (/oauth/device?user_code=…).
  'code',
  'user_code',
  'device_code',
  'code_verifier',
  'client_secret',
  'client_assertion',
  'id_token_hint',
  'dpop',
  // The session's CSRF token, sent in the query to start linking a provider.
  'csrf',
]);
const REDACTED = '[REDACTED]';

export function isSecretKey(key: string): boolean {
  const lower = key.toLowerCase();
  return (
    SECRET_KEYS.has(lower) ||
    lower.endsWith('_token') ||
    lower.endsWith('token')
  );
}

/** A copy of `value` with every secret-named property replaced, at any depth. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') {
    return value;
  }
  if (Array.isArray(value)) {
    return value.map((item) => redact(item, depth + 1));
  }
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] = isSecretKey(key) ? REDACTED : redact(item, depth + 1);
  }
  return copy;
}

/** `/api/data?api_key=gkey_…&page=2` → `/api/data?api_key=[REDACTED]&page=2`. */
export function redactUrl(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart === -1) {
    return url;
  }
  const query = url
    .slice(queryStart + 1)
    .split('&')
    .map((pair) => {
      const name = pair.split('=', 1)[0];
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // a malformed escape is logged as sent; it still cannot carry a known secret name
      }
      return isSecretKey(decoded) ? `${name}=${REDACTED}` : pair;
    })
    .join('&');
  return `${url.slice(0, queryStart)}?${query}`;
}

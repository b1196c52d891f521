/**
 * Parses `Authorization: Basic …`. RFC 7617 lets the password contain `:`, so the split is at
 * the first colon only (passport-http 0.3.0 splits at every colon and loses the rest).
 */
export function parseBasicCredentials(
  header: string | undefined,
): { username: string; password: string } | null {
  const match = /^Basic[ \t]+([A-Za-z0-9+/]+={0,2})[ \t]*$/i.exec(header ?? '');
  if (!match) {
    return null;
  }
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) {
    return null;
  }
  return {
    username: decoded.slice(0, colon),
    password: decoded.slice(colon + 1),
  };
}

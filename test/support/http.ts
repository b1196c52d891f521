/** Header helpers, so tests read like the curl examples in the README. */
export function basic(
  username: string,
  password: string,
): { Authorization: string } {
  return {
    Authorization: `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`,
  };
}

export function bearer(token: string): { Authorization: string } {
  return { Authorization: `Bearer ${token}` };
}

export function apiKey(key: string): { 'X-API-Key': string } {
  return { 'X-API-Key': key };
}

/** What GET /api/data answers the user named. */
export function dataFor(username: string): {
  message: string;
  data: number[];
} {
  return { message: `Hello ${username}!`, data: [1, 2, 3] };
}

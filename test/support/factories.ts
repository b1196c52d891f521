import { randomBytes } from 'node:crypto';
import type TestAgent from 'supertest/lib/agent';

export interface RegisteredUser {
  id: string;
  username: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

/** The keys of a serialised user, sorted: the contract's fields and nothing else (no hash). */
export const USER_FIELDS = [
  'created_at',
  'disabled',
  'email',
  'email_verified',
  'first_name',
  'id',
  'last_name',
  'pending_email',
  'roles',
  'updated_at',
  'username',
];

let counter = 0;

export function uniqueUsername(prefix = 'user'): string {
  counter += 1;
  return `${prefix}${counter}_${randomBytes(3).toString('hex')}`;
}

/** Registers through the API (no back doors), asserting it worked. */
export async function registerUser(
  http: TestAgent,
  overrides: {
    username?: string;
    password?: string;
    email?: string;
    first_name?: string;
    last_name?: string;
  } = {},
): Promise<RegisteredUser> {
  const body = {
    username: uniqueUsername(),
    password: 'correct horse 1',
    ...overrides,
  };
  const response = await http.post('/api/register').send(body);
  if (response.status !== 201) {
    throw new Error(
      `register failed: ${response.status} ${JSON.stringify(response.body)}`,
    );
  }
  return {
    id: response.body.user.id,
    username: response.body.user.username,
    password: body.password,
    accessToken: response.body.access_token,
    refreshToken: response.body.refresh_token,
  };
}

export async function loginAs(
  http: TestAgent,
  username: string,
  password: string,
): Promise<{ accessToken: string; refreshToken: string }> {
  const response = await http.post('/api/login').send({ username, password });
  if (response.status !== 200) {
    throw new Error(
      `login failed: ${response.status} ${JSON.stringify(response.body)}`,
    );
  }
  return {
    accessToken: response.body.access_token,
    refreshToken: response.body.refresh_token,
  };
}

/**
 * The same JWT with one bit of its signature flipped. Changing the last base64url characters is
 * not enough: the final character carries padding bits that decoders ignore, so such a "tampered"
 * token can decode to the very same signature (about one run in 256 for ES256).
 */
export function withAlteredSignature(jwt: string): string {
  const [header, payload, signature] = jwt.split('.');
  const bytes = Buffer.from(signature, 'base64url');
  bytes[0] ^= 0x01;
  return `${header}.${payload}.${bytes.toString('base64url')}`;
}

import type { CookieSerializeOptions } from '@fastify/cookie';
import type { AppConfig } from '../config/app-config';

/**
 * The `sid` cookie's attributes, one definition for every way a console session starts
 * (POST /api/session, an external sign-in's callback).
 */
export function sessionCookieOptions(
  config: AppConfig,
): CookieSerializeOptions {
  return {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: config.cookieSecure,
    maxAge: config.sessionMaxAgeSeconds,
  };
}

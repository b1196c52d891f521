import { Reflector } from '@nestjs/core';
import type { ApiResponseOptions } from '@nestjs/swagger';

/**
 * The named limits a route may choose instead of the default (RATE_LIMIT_DEFAULT). Each name
 * has its variable (`data` → RATE_LIMIT_DATA), read in rate-limit.module.ts.
 */
export type RateLimitName = 'data';

export const RateLimitMetadata = Reflector.createDecorator<RateLimitName>();

/**
 * Counts the route against the named limit instead of the default one. Routes naming the same
 * limit share one budget per API key, user or client address.
 *
 * @example `@Get() @Auth('api-key') @RateLimit('data') read() {…}` (RATE_LIMIT_DATA, 100/day)
 */
export const RateLimit = (name: RateLimitName) => RateLimitMetadata(name);

/** How `@Auth` and `@Public` document a refusal by the rate limit or the login lockout. */
export const TOO_MANY_REQUESTS_RESPONSE: ApiResponseOptions = {
  description:
    'Rate limit exceeded, or too many failed sign-in attempts: retry after Retry-After seconds',
  headers: {
    'Retry-After': {
      description: 'Seconds to wait before retrying',
      schema: { type: 'integer' },
    },
  },
};

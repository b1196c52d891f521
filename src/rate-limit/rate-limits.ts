import type { AppConfig, RateLimit } from '../config/app-config';
import type { RateLimitName } from './rate-limit.decorator';

/** Every limit the guard knows, by the name `@RateLimit` uses; `default` is RATE_LIMIT_DEFAULT. */
export function limitsOf(
  config: AppConfig,
): Readonly<Record<'default' | RateLimitName, RateLimit>> {
  return { default: config.rateLimitDefault, data: config.rateLimitData };
}

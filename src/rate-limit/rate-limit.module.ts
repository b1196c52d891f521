// Owns rate limits (@nestjs/throttler, per API key, user or client address) and the brute-force
// lockout of password checks. Global, so @Auth/@Public and UsersService use them without
// importing it. Imports config and redis only.
import { Global, Module } from '@nestjs/common';
import {
  getOptionsToken,
  getStorageToken,
  type ThrottlerModuleOptions,
} from '@nestjs/throttler';
import { AppConfig, type RateLimit } from '../config/app-config';
import { LoginLockoutService } from './login-lockout.service';
import type { RateLimitName } from './rate-limit.decorator';
import { RateLimitStorage } from './rate-limit.storage';

/** Every limit the guard knows, by the name `@RateLimit` uses; `default` is RATE_LIMIT_DEFAULT. */
function limitsOf(
  config: AppConfig,
): Record<'default' | RateLimitName, RateLimit> {
  return { default: config.rateLimitDefault, data: config.rateLimitData };
}

function throttlerOptions(config: AppConfig): ThrottlerModuleOptions {
  return {
    throttlers: Object.entries(limitsOf(config)).map(
      ([name, { limit, ttlSeconds }]) => ({
        name,
        limit,
        ttl: ttlSeconds * 1000,
      }),
    ),
  };
}

@Global()
@Module({
  providers: [
    RateLimitStorage,
    { provide: getStorageToken(), useExisting: RateLimitStorage },
    {
      provide: getOptionsToken(),
      inject: [AppConfig],
      useFactory: throttlerOptions,
    },
    LoginLockoutService,
  ],
  exports: [
    getStorageToken(),
    getOptionsToken(),
    RateLimitStorage,
    LoginLockoutService,
  ],
})
export class RateLimitModule {}

// Owns rate limits (per API key, OAuth client, user or client address; counted in Redis or in
// memory) and the brute-force lockout of password checks. Global, so @Auth/@Public and
// UsersService use them without importing it. Imports config and redis only.
import { Global, Module } from '@nestjs/common';
import { LoginLockoutService } from './login-lockout.service';
import { RateLimitGuard } from './rate-limit.guard';
import { RateLimitStorage } from './rate-limit.storage';

@Global()
@Module({
  providers: [RateLimitStorage, RateLimitGuard, LoginLockoutService],
  exports: [RateLimitStorage, RateLimitGuard, LoginLockoutService],
})
export class RateLimitModule {}

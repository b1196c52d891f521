// Owns rate limits (per API key, OAuth client, user or client address; counted in Redis or in
// memory) and the brute-force lockout of password checks. Global, so @Auth/@Public and
// UsersService use them without importing it. Imports config and redis only.
import { Global, Module } from '@nestjs/common';
import { LoginLockoutService } from './login-lockout.service';
import { RateLimitStorage } from './rate-limit.storage';

@Global()
@Module({
  providers: [RateLimitStorage, LoginLockoutService],
  exports: [RateLimitStorage, LoginLockoutService],
})
export class RateLimitModule {}

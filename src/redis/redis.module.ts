// Owns the Redis connections (REDIS_URL), used for state several instances share. Global,
// because rate limits, tokens, keys and sessions all publish through it. Imports config only.
import { Global, Module } from '@nestjs/common';
import { RedisService } from './redis.service';

@Global()
@Module({ providers: [RedisService], exports: [RedisService] })
export class RedisModule {}

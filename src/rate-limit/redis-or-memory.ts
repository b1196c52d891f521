import type { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import type { RedisService } from '../redis/redis.service';

const WARNING_INTERVAL_MS = 60_000;

/**
 * Runs against Redis while it is up, else (REDIS_URL unset, Redis away, or a command failing)
 * against this instance's memory. RedisService logs Redis going and coming back; a command that
 * fails while Redis looks up is logged here, at most once a minute.
 */
export class RedisOrMemory {
  private lastWarning = -Infinity;

  constructor(
    private readonly redis: RedisService,
    private readonly logger: Logger,
  ) {}

  async run<T>(
    inRedis: (client: Redis) => Promise<T>,
    inMemory: () => T,
  ): Promise<T> {
    const client = this.redis.client;
    if (client) {
      try {
        return await inRedis(client);
      } catch (error) {
        this.warn(error);
      }
    }
    return inMemory();
  }

  private warn(error: unknown): void {
    const now = Date.now();
    if (now - this.lastWarning < WARNING_INTERVAL_MS) {
      return;
    }
    this.lastWarning = now;
    this.logger.warn({
      msg: 'redis command failed: counting in this instance only',
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

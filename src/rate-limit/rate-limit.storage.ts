import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { AppConfig } from '../config/app-config';
import { RedisService } from '../redis/redis.service';
import { ExpiringMap } from './expiring-map';
import { RedisOrMemory } from './redis-or-memory';
import { RedisScript } from './redis-script';

type ThrottlerStorageRecord = Awaited<
  ReturnType<ThrottlerStorage['increment']>
>;

/** Identities counted at once in memory; past it the oldest window is forgotten. */
const MEMORY_MAX_KEYS = 100_000;

/** INCR, and start the window on the first hit; a key somehow left without a TTL gets one. */
const INCREMENT = new RedisScript(`
local hits = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if hits == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {hits, ttl}
`);

/** Reads a window without counting: its hits and milliseconds left (-2: no window). */
const PEEK = new RedisScript(`
return {tonumber(redis.call('GET', KEYS[1]) or '0'), redis.call('PTTL', KEYS[1])}
`);

/** A window's hits so far and the milliseconds left of it. */
export type Counter = [hits: number, ttlMs: number];

/** What is left of one limit's window for one identity. */
export interface Allowance {
  limit: number;
  windowSeconds: number;
  remaining: number;
  /** Seconds until the window ends; null when no window runs (the next request starts one). */
  resetsInSeconds: number | null;
}

/**
 * The throttler's counters: fixed windows that start at an identity's first request and last
 * the limit's period. In Redis (`<REDIS_KEY_PREFIX>rl:<limit>:<identity>`) while it is up, so a
 * limit counts requests across every instance; else in this instance's memory. Every request
 * counts, refused ones too, and an identity over its limit stays refused until the window ends
 * (the throttler's `blockDuration` is not used: the block is the rest of the window).
 */
@Injectable()
export class RateLimitStorage
  implements ThrottlerStorage, OnApplicationBootstrap
{
  private readonly logger = new Logger(RateLimitStorage.name);
  private readonly memory = new ExpiringMap(MEMORY_MAX_KEYS);
  private readonly store: RedisOrMemory;

  constructor(
    private readonly config: AppConfig,
    private readonly redis: RedisService,
  ) {
    this.store = new RedisOrMemory(redis, this.logger);
  }

  onApplicationBootstrap(): void {
    if (this.config.redisUrl === null) {
      this.logger.log({
        msg: 'REDIS_URL is unset: rate limits and login lockouts count in this instance only',
      });
    }
  }

  /**
   * Counts one request in `key`'s window (`ttlMs` long): its hits so far and the milliseconds
   * left. Without Redis the answer comes at once, not as a promise: the rate-limit guard calls
   * this on every request.
   */
  hit(key: string, ttlMs: number): Counter | Promise<Counter> {
    if (!this.redis.client) {
      return this.incrementInMemory(key, ttlMs);
    }
    return this.store.run(
      async (client) =>
        parseCounter(
          await INCREMENT.run(
            client,
            [`${this.config.redisKeyPrefix}rl:${key}`],
            [ttlMs],
          ),
        ),
      () => this.incrementInMemory(key, ttlMs),
    );
  }

  /** `ttl` in milliseconds, as the throttler passes it. */
  async increment(
    key: string,
    ttl: number,
    limit: number,
  ): Promise<ThrottlerStorageRecord> {
    const [hits, ttlMs] = await this.hit(key, ttl);
    const timeToExpire = Math.max(1, Math.ceil(ttlMs / 1000));
    const isBlocked = hits > limit;
    return {
      totalHits: hits,
      timeToExpire,
      isBlocked,
      timeToBlockExpire: isBlocked ? timeToExpire : 0,
    };
  }

  /**
   * `limit`'s allowance left to `tracker` (`user:<id>`, `key:<id>`), read without counting a
   * request: what the console shows of the day's /api/data allowance.
   */
  async allowance(
    name: 'default' | 'data',
    tracker: string,
  ): Promise<Allowance> {
    const { limit, ttlSeconds } =
      name === 'data'
        ? this.config.rateLimitData
        : this.config.rateLimitDefault;
    const key = rateLimitKey(name, tracker);
    const [hits, ttlMs] = await this.store.run(
      async (client) =>
        parseCounter(
          await PEEK.run(
            client,
            [`${this.config.redisKeyPrefix}rl:${key}`],
            [],
          ),
        ),
      () => {
        const ttl = this.memory.ttl(key);
        return [ttl < 0 ? 0 : (this.memory.get(key) ?? 0), ttl];
      },
    );
    const running = ttlMs >= 0 && hits > 0;
    return {
      limit,
      windowSeconds: ttlSeconds,
      remaining: running ? Math.max(0, limit - hits) : limit,
      resetsInSeconds: running ? Math.max(1, Math.ceil(ttlMs / 1000)) : null,
    };
  }

  private incrementInMemory(key: string, ttl: number): Counter {
    const hits = this.memory.incr(key);
    let ttlMs = this.memory.ttl(key);
    if (hits === 1 || ttlMs < 0) {
      this.memory.expire(key, ttl);
      ttlMs = ttl;
    }
    return [hits, ttlMs];
  }
}

/** The counter of one limit for one identity: the guard counts under it, `allowance` reads it. */
export function rateLimitKey(limitName: string, tracker: string): string {
  return `${limitName}:${tracker}`;
}

function parseCounter(reply: unknown): [number, number] {
  if (
    !Array.isArray(reply) ||
    typeof reply[0] !== 'number' ||
    typeof reply[1] !== 'number'
  ) {
    throw new Error('unexpected reply from the rate-limit script');
  }
  return [reply[0], reply[1]];
}

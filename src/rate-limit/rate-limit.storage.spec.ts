import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { describeUnless, redisSkipReason } from '../../test/support/skip';
import { type AppConfig, loadConfig } from '../config/app-config';
import type { RedisService } from '../redis/redis.service';
import { RateLimitStorage } from './rate-limit.storage';

// eslint-disable-next-line no-restricted-syntax -- the Redis cases run only where a Redis is given
const redisUrl = process.env.REDIS_URL;
const MINUTE = 60_000;

function configWithPrefix(prefix: string): AppConfig {
  return loadConfig({ REDIS_KEY_PREFIX: prefix }, () => 'x'.repeat(32));
}

function redisServiceOf(client: Redis | null): RedisService {
  return { client } as unknown as RedisService;
}

describe(`${RateLimitStorage.name} in memory`, () => {
  let storage: RateLimitStorage;

  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
    storage = new RateLimitStorage(
      configWithPrefix('unused:'),
      redisServiceOf(null),
    );
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('counts hits in a window that starts at the first one, refusing past the limit', async () => {
    const hits = [];
    for (let i = 0; i < 4; i += 1) {
      hits.push(await storage.increment('default:user:1', MINUTE, 3));
    }
    expect(hits.map((hit) => [hit.totalHits, hit.isBlocked])).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [4, true],
    ]);
    expect(hits[3]).toEqual({
      totalHits: 4,
      timeToExpire: 60,
      isBlocked: true,
      timeToBlockExpire: 60,
    });
  });

  it('counts down the time to the end of the window and starts a new one after it', async () => {
    await storage.increment('default:ip:1', MINUTE, 1);
    jest.setSystemTime(Date.now() + 45_500);
    const refused = await storage.increment('default:ip:1', MINUTE, 1);
    expect(refused).toMatchObject({ isBlocked: true, timeToExpire: 15 });
    jest.setSystemTime(Date.now() + 14_500);
    expect(await storage.increment('default:ip:1', MINUTE, 1)).toEqual({
      totalHits: 1,
      timeToExpire: 60,
      isBlocked: false,
      timeToBlockExpire: 0,
    });
  });

  it('keeps each key on its own count', async () => {
    await storage.increment('data:key:a', MINUTE, 1);
    await storage.increment('data:key:a', MINUTE, 1);
    const other = await storage.increment('data:key:b', MINUTE, 1);
    expect(other).toMatchObject({ totalHits: 1, isBlocked: false });
  });
});

describeUnless(redisSkipReason(), `${RateLimitStorage.name} in Redis`, () => {
  const prefix = `gatehouse-unit-${randomBytes(6).toString('hex')}:`;
  let client: Redis;
  let storage: RateLimitStorage;

  beforeAll(() => {
    client = new Redis(redisUrl as string);
    storage = new RateLimitStorage(
      configWithPrefix(prefix),
      redisServiceOf(client),
    );
  });

  afterAll(async () => {
    const keys = await client.keys(`${prefix}*`);
    if (keys.length > 0) {
      await client.del(...keys);
    }
    await client.quit();
  });

  it('counts in one Redis key per limit and identity, expiring with the window', async () => {
    const hits = [];
    for (let i = 0; i < 4; i += 1) {
      hits.push(await storage.increment('default:user:1', MINUTE, 3));
    }
    expect(hits.map((hit) => [hit.totalHits, hit.isBlocked])).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [4, true],
    ]);
    expect(hits[3].timeToBlockExpire).toBe(hits[3].timeToExpire);
    expect(hits[3].timeToExpire).toBeGreaterThanOrEqual(59);
    expect(await client.get(`${prefix}rl:default:user:1`)).toBe('4');
    const ttl = await client.pttl(`${prefix}rl:default:user:1`);
    expect(ttl).toBeGreaterThan(58_000);
    expect(ttl).toBeLessThanOrEqual(MINUTE);
  });

  it('starts a new window once the key expires', async () => {
    await storage.increment('default:ip:2', 300, 1);
    expect((await storage.increment('default:ip:2', 300, 1)).isBlocked).toBe(
      true,
    );
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(await storage.increment('default:ip:2', 300, 1)).toEqual({
      totalHits: 1,
      timeToExpire: 1,
      isBlocked: false,
      timeToBlockExpire: 0,
    });
  });

  it('counts what two instances see together', async () => {
    const other = new RateLimitStorage(
      configWithPrefix(prefix),
      redisServiceOf(client),
    );
    await storage.increment('data:key:shared', MINUTE, 2);
    await other.increment('data:key:shared', MINUTE, 2);
    expect(
      (await storage.increment('data:key:shared', MINUTE, 2)).isBlocked,
    ).toBe(true);
  });
});

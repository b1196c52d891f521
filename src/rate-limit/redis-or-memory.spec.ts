import type { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import type { RedisService } from '../redis/redis.service';
import { RedisOrMemory } from './redis-or-memory';

/** A RedisService whose connection a test takes away and gives back. */
function switchableRedis(): { service: RedisService; up(up: boolean): void } {
  const client = { name: 'fake client' } as unknown as Redis;
  let isUp = false;
  return {
    service: {
      get client() {
        return isUp ? client : null;
      },
    } as unknown as RedisService,
    up(up: boolean) {
      isUp = up;
    },
  };
}

describe(RedisOrMemory.name, () => {
  let warn: jest.Mock;
  let logger: Logger;

  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
    warn = jest.fn();
    logger = { warn } as unknown as Logger;
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('uses memory while Redis is away and Redis again once it is back', async () => {
    const redis = switchableRedis();
    const store = new RedisOrMemory(redis.service, logger);
    const inRedis = jest.fn((client: Redis) =>
      Promise.resolve(`redis:${(client as unknown as { name: string }).name}`),
    );
    expect(await store.run(inRedis, () => 'memory')).toBe('memory');
    redis.up(true);
    expect(await store.run(inRedis, () => 'memory')).toBe('redis:fake client');
    redis.up(false);
    expect(await store.run(inRedis, () => 'memory')).toBe('memory');
    expect(inRedis).toHaveBeenCalledTimes(1);
    // RedisService logs its own comings and goings: nothing to add per request.
    expect(warn).not.toHaveBeenCalled();
  });

  it('falls back on a failing command and warns at most once a minute', async () => {
    const redis = switchableRedis();
    redis.up(true);
    const store = new RedisOrMemory(redis.service, logger);
    const failing = () => Promise.reject(new Error('Connection is closed.'));
    for (let i = 0; i < 10; i += 1) {
      expect(await store.run(failing, () => 'memory')).toBe('memory');
    }
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({ error: 'Connection is closed.' }),
    );
    jest.setSystemTime(Date.now() + 60_000);
    await store.run(failing, () => 'memory');
    expect(warn).toHaveBeenCalledTimes(2);
  });
});

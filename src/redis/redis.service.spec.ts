import { loadConfig } from '../config/app-config';
import { RedisService } from './redis.service';

describe(`${RedisService.name}.servable`, () => {
  const ttlMs = 30_000;

  it('serves a young entry, and no entry once it has lived its ttl', () => {
    const redis = new RedisService(loadConfig({}, () => 'x'.repeat(32)));
    const young = { cachedAt: Date.now() - ttlMs + 1_000 };
    expect(redis.servable(young, ttlMs)).toBe(young);
    expect(
      redis.servable({ cachedAt: Date.now() - ttlMs }, ttlMs),
    ).toBeUndefined();
    expect(redis.servable(undefined, ttlMs)).toBeUndefined();
  });

  it('serves nothing while Redis is configured but not connected: invalidations may be missed', () => {
    const redis = new RedisService(
      loadConfig({ REDIS_URL: 'redis://127.0.0.1:1' }, () => 'x'.repeat(32)),
    );
    expect(redis.cachesTrustworthy).toBe(false);
    expect(redis.servable({ cachedAt: Date.now() }, ttlMs)).toBeUndefined();
  });
});

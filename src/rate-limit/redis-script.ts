import { createHash } from 'node:crypto';
import type Redis from 'ioredis';

/**
 * A Lua script run atomically by Redis: sent once, then called by its SHA1 (EVALSHA), sent
 * again only when Redis answers NOSCRIPT (it restarted or its script cache was flushed).
 */
export class RedisScript {
  private readonly sha: string;

  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(
    client: Redis,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('NOSCRIPT')) {
        return client.eval(this.source, keys.length, ...keys, ...args);
      }
      throw error;
    }
  }
}

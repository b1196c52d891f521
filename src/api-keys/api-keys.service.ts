import { timingSafeEqual } from 'node:crypto';
import {
  Injectable,
  Logger,
  NotFoundException,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { RedisService } from '../redis/redis.service';
import { ApiKey } from './api-key.entity';
import { generateApiKey, parseApiKey } from './api-key-format';
import { setBounded } from '../common/bounded-map';
import { sha256Bytes, sha256Hex } from '../common/crypto/sha256';

/** What the hot path needs of a key; cached so that a request costs no database round trip. */
export interface VerifiedApiKey {
  readonly id: string;
  readonly userId: string;
  readonly scopes: readonly string[];
}

interface CachedKey extends VerifiedApiKey {
  readonly secretHash: Buffer;
  readonly expiresAt: number | null;
  readonly cachedAt: number;
}

export interface NewApiKey {
  name: string;
  scopes: string[];
  expiresInDays?: number;
}

/** Bounds staleness only where nothing else can: without Redis, across several instances. */
const KEY_CACHE_TTL_MS = 30_000;
const KEY_CACHE_SIZE = 50_000;
/** `last_used_at` is written in batches, not once per request. */
const LAST_USED_FLUSH_MS = 10_000;

/** Owns the api_keys table: issuing, listing, deleting and verifying keys. */
@Injectable()
export class ApiKeysService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ApiKeysService.name);
  private readonly cache = new Map<string, CachedKey>();
  /**
   * A key's full text → the entry it matched, so that a request presenting it again is answered
   * with one map lookup and no hashing. It answers only while that entry is still the one
   * `cache` holds: dropping the entry there (deletion, TTL, Redis) sends the key the full way.
   */
  private readonly matchedKeys = new Map<string, CachedKey>();
  private readonly lastUsed = new Map<string, number>();
  private flushTimer?: NodeJS.Timeout;

  constructor(
    @InjectRepository(ApiKey) private readonly apiKeys: Repository<ApiKey>,
    private readonly redis: RedisService,
  ) {}

  onModuleInit(): void {
    this.redis.onInvalidate('api-key', (id) => this.forget(id));
    this.redis.onReconnect(() => {
      this.cache.clear();
      this.matchedKeys.clear();
    });
    this.flushTimer = setInterval(
      () => void this.flushLastUsed(),
      LAST_USED_FLUSH_MS,
    );
    this.flushTimer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.flushTimer);
    await this.flushLastUsed();
  }

  /** The new key and its full text, which is shown this once and never again. */
  async create(
    userId: string,
    input: NewApiKey,
  ): Promise<{ apiKey: ApiKey; key: string }> {
    const { id, secret, key } = generateApiKey();
    const now = Date.now();
    const apiKey: ApiKey = {
      id,
      userId,
      name: input.name,
      secretHash: sha256Hex(secret),
      scopes: input.scopes,
      expiresAt: input.expiresInDays
        ? new Date(now + input.expiresInDays * 86_400_000)
        : null,
      lastUsedAt: null,
      createdAt: new Date(now),
    };
    await this.apiKeys.insert(apiKey);
    return { apiKey, key };
  }

  /** The user's keys, newest first, with `last_used_at` as this instance last saw it. */
  async list(userId: string): Promise<ApiKey[]> {
    const keys = await this.apiKeys.find({
      where: { userId },
      order: { createdAt: 'DESC', id: 'ASC' },
    });
    for (const key of keys) {
      const seen = this.lastUsed.get(key.id);
      if (seen && (!key.lastUsedAt || key.lastUsedAt.getTime() < seen)) {
        key.lastUsedAt = new Date(seen);
      }
    }
    return keys;
  }

  /** 404 for another user's key as for a missing one: ids are not secret, ownership is. */
  async delete(userId: string, id: string): Promise<void> {
    const result = await this.apiKeys.delete({ id, userId });
    this.forget(id);
    this.lastUsed.delete(id);
    await this.redis.invalidate('api-key', id);
    if (!result.affected) {
      throw new NotFoundException(`No API key with id ${id}`);
    }
  }

  count(): Promise<number> {
    return this.apiKeys.count();
  }

  /** The key's owner and scopes, or null for a malformed, unknown, wrong or expired key. */
  async verify(key: string): Promise<VerifiedApiKey | null> {
    const parsed = parseApiKey(key);
    if (!parsed) {
      return null;
    }
    const entry = this.cached(parsed.id) ?? (await this.lookup(parsed.id));
    return this.check(entry, key, parsed.secret);
  }

  /**
   * `verify`'s answer when memory alone can give it, else undefined (then call `verify`):
   * lets a request whose every check is answered from memory stay synchronous.
   */
  verifyFromCache(key: string): VerifiedApiKey | null | undefined {
    const matched = this.matchedKeys.get(key);
    if (matched !== undefined && this.cached(matched.id) === matched) {
      return this.usable(matched);
    }
    const parsed = parseApiKey(key);
    if (!parsed) {
      return null;
    }
    const entry = this.cached(parsed.id);
    return entry && this.check(entry, key, parsed.secret);
  }

  private check(
    entry: CachedKey | null,
    key: string,
    secret: string,
  ): CachedKey | null {
    if (!entry || !timingSafeEqual(sha256Bytes(secret), entry.secretHash)) {
      return null;
    }
    setBounded(this.matchedKeys, key, entry, KEY_CACHE_SIZE);
    return this.usable(entry);
  }

  /** The entry unless its key has expired; its use is noted for `last_used_at`. */
  private usable(entry: CachedKey): CachedKey | null {
    const now = Date.now();
    if (entry.expiresAt !== null && entry.expiresAt <= now) {
      return null;
    }
    this.lastUsed.set(entry.id, now);
    return entry;
  }

  private cached(id: string): CachedKey | undefined {
    return this.redis.servable(this.cache.get(id), KEY_CACHE_TTL_MS);
  }

  private async lookup(id: string): Promise<CachedKey | null> {
    const now = Date.now();
    const row = await this.apiKeys
      .createQueryBuilder('key')
      .addSelect('key.secretHash')
      .where('key.id = :id', { id })
      .getOne();
    this.cache.delete(id);
    if (!row) {
      return null;
    }
    const entry: CachedKey = Object.freeze({
      id: row.id,
      userId: row.userId,
      scopes: Object.freeze([...row.scopes]),
      secretHash: Buffer.from(row.secretHash, 'hex'),
      expiresAt: row.expiresAt ? row.expiresAt.getTime() : null,
      cachedAt: now,
    });
    setBounded(this.cache, id, entry, KEY_CACHE_SIZE);
    return entry;
  }

  private forget(id: string): void {
    this.cache.delete(id);
    for (const [key, entry] of this.matchedKeys) {
      if (entry.id === id) {
        this.matchedKeys.delete(key);
      }
    }
  }

  private async flushLastUsed(): Promise<void> {
    const batch = [...this.lastUsed];
    this.lastUsed.clear();
    for (const [id, at] of batch) {
      try {
        await this.apiKeys.update({ id }, { lastUsedAt: new Date(at) });
      } catch (error) {
        this.logger.warn({
          msg: 'recording an API key use failed',
          key_id: id,
          error: error instanceof Error ? error.message : 'unknown',
        });
      }
    }
  }
}

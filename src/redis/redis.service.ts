import {
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '../config/app-config';

type Handler = (message: string) => void;

const INVALIDATION_CHANNEL = 'gatehouse:invalidate';

/** What a per-instance cache holds that another instance may change. */
export type CachedKind = 'user' | 'api-key' | 'session' | 'user-sessions';

/**
 * The connection to Redis, when REDIS_URL is set: state shared by several instances (rate-limit
 * counters, revocations, cache invalidations). Redis is never required to answer a request:
 * commands fail fast while it is away (no offline queue), callers fall back to their own
 * memory or to the database, and `onReconnect` listeners catch up once it is back.
 */
@Injectable()
export class RedisService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RedisService.name);
  private command?: Redis;
  private subscriber?: Redis;
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly reconnectListeners = new Set<() => void>();
  private wasReady = false;
  /** The subscriber's SUBSCRIBE for every channel was acknowledged since it last connected. */
  private listening = false;
  private everReady = false;

  constructor(private readonly config: AppConfig) {}

  /** Whether REDIS_URL is set: several instances may be sharing state. */
  get enabled(): boolean {
    return this.config.redisUrl !== null;
  }

  /**
   * Whether both connections are up and Redis has confirmed every subscription: until then an
   * invalidation another instance publishes could be missed, so caches must not answer yet.
   */
  get ready(): boolean {
    return (
      this.command?.status === 'ready' &&
      this.subscriber?.status === 'ready' &&
      this.listening
    );
  }

  /**
   * Whether a per-instance cache may answer. Without Redis there is one instance and every
   * change passes through it; with Redis, only while other instances' invalidations can reach us.
   */
  get cachesTrustworthy(): boolean {
    return !this.enabled || this.ready;
  }

  /** A per-instance cache's entry if it may answer now: trusted (above) and younger than `ttlMs`. */
  servable<T extends { readonly cachedAt: number }>(
    entry: T | undefined,
    ttlMs: number,
  ): T | undefined {
    return entry &&
      this.cachesTrustworthy &&
      Date.now() - entry.cachedAt < ttlMs
      ? entry
      : undefined;
  }

  /** The command connection while it is up, else null: use your fallback. */
  get client(): Redis | null {
    return this.ready ? (this.command ?? null) : null;
  }

  onModuleInit(): void {
    const url = this.config.redisUrl;
    if (!url) {
      return;
    }
    const options = {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      // A Redis that hangs without disconnecting must not hold requests: callers fall back.
      commandTimeout: 500,
      // Keep trying, at most every 2 s: the server recovers by itself when Redis returns.
      retryStrategy: (attempt: number) => Math.min(attempt * 200, 2000),
    };
    // Loaded here, not when this file is: a single instance without REDIS_URL never needs
    // ioredis (about 1 MB of heap).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ioredis = require('ioredis') as typeof import('ioredis');
    this.command = new ioredis.Redis(url, options);
    this.subscriber = new ioredis.Redis(url, options);
    for (const connection of [this.command, this.subscriber]) {
      connection.on('ready', () => this.updateState());
      connection.on('close', () => this.updateState());
      // ioredis reports every failed attempt; the state change is logged once instead.
      connection.on('error', () => undefined);
    }
    // Without an offline queue a SUBSCRIBE sent before the connection is up is refused, and
    // services subscribe during start-up: every channel is (re)subscribed each time it is ready.
    const subscriber = this.subscriber;
    subscriber.on('ready', () => {
      const channels = [...this.handlers.keys()];
      const subscribed =
        channels.length > 0 ? subscriber.subscribe(...channels) : null;
      void Promise.resolve(subscribed).then(
        () => {
          this.listening = subscriber.status === 'ready';
          this.updateState();
        },
        () => undefined,
      );
    });
    subscriber.on('close', () => {
      this.listening = false;
    });
    this.subscriber.on('message', (channel: string, message: string) => {
      for (const handler of this.handlers.get(channel) ?? []) {
        handler(message);
      }
    });
  }

  async onApplicationShutdown(): Promise<void> {
    for (const connection of [this.command, this.subscriber]) {
      if (connection) {
        await connection.quit().catch(() => connection.disconnect());
      }
    }
  }

  /** Tells the other instances; false when Redis is away (they will catch up on reconnect). */
  async publish(channel: string, message: string): Promise<boolean> {
    const client = this.client;
    if (!client) {
      return false;
    }
    try {
      await client.publish(channel, message);
      return true;
    } catch {
      return false;
    }
  }

  /** Messages other instances publish on `channel`. */
  subscribe(channel: string, handler: Handler): void {
    let handlers = this.handlers.get(channel);
    if (!handlers) {
      handlers = new Set();
      this.handlers.set(channel, handlers);
      if (this.subscriber?.status === 'ready') {
        this.subscriber.subscribe(channel).catch(() => undefined);
      }
    }
    handlers.add(handler);
  }

  /** Tells every other instance to drop what it caches about `id`. */
  async invalidate(kind: CachedKind, id: string): Promise<void> {
    await this.publish(INVALIDATION_CHANNEL, JSON.stringify({ kind, id }));
  }

  /** Runs `drop(id)` when another instance changed something of this kind. */
  onInvalidate(kind: CachedKind, drop: (id: string) => void): void {
    this.subscribe(INVALIDATION_CHANNEL, (message) => {
      const parsed = parseInvalidation(message);
      if (parsed?.kind === kind) {
        drop(parsed.id);
      }
    });
  }

  /** Called each time Redis comes back after being away: messages sent meanwhile were lost. */
  onReconnect(listener: () => void): void {
    this.reconnectListeners.add(listener);
  }

  private updateState(): void {
    const ready = this.ready;
    if (ready === this.wasReady) {
      return;
    }
    this.wasReady = ready;
    if (ready) {
      this.logger.log({
        msg: 'redis is up: state is shared with other instances',
      });
      if (this.everReady) {
        for (const listener of this.reconnectListeners) {
          listener();
        }
      }
      this.everReady = true;
    } else {
      this.logger.warn({
        msg: 'redis is unreachable: falling back to this instance and the database',
      });
    }
  }
}

function parseInvalidation(
  message: string,
): { kind: string; id: string } | null {
  try {
    const value = JSON.parse(message) as { kind?: unknown; id?: unknown };
    return typeof value.kind === 'string' && typeof value.id === 'string'
      ? { kind: value.kind, id: value.id }
      : null;
  } catch {
    return null;
  }
}

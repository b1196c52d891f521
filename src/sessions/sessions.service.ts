import {
  createHmac,
  randomBytes,
  randomUUID,
  timingSafeEqual,
} from 'node:crypto';
import {
  Injectable,
  Logger,
  NotFoundException,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Not, type Repository } from 'typeorm';
import { sha256Bytes, sha256Hex } from '../common/crypto/sha256';
import { AppConfig } from '../config/app-config';
import { RedisService } from '../redis/redis.service';
import { credentialIssuedAt } from '../users/credential-epoch';
import { Session } from './session.entity';
import { setBounded } from '../common/bounded-map';
import { prunePeriodically } from '../common/prune-periodically';

/** What the hot path needs of a session; cached so that a request costs no database round trip. */
export interface ActiveSession {
  readonly id: string;
  readonly userId: string;
  /** Issue instant (ms), compared with the user's "credentials valid after". */
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly csrfHash: Buffer;
}

interface CachedSession extends ActiveSession {
  lastSeenAt: number;
  persistedLastSeenAt: number;
  readonly cachedAt: number;
}

export interface SessionListItem {
  id: string;
  created_at: string;
  last_seen_at: string;
  ip: string | null;
  user_agent: string | null;
  current: boolean;
}

/** Bounds staleness only where nothing else can: without Redis, across several instances. */
const SESSION_CACHE_TTL_MS = 30_000;
const SESSION_CACHE_SIZE = 50_000;
/** `last_seen_at` is written at most this often per session. */
const LAST_SEEN_WRITE_MS = 60_000;
const PRUNE_INTERVAL_MS = 60 * 60 * 1000;

/**
 * A session's CSRF token, keyed by its cookie's token: the server can give it again to the page
 * that holds the cookie (after a reload) without storing it readably, and it reveals nothing
 * about the cookie.
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken)
    .update('gatehouse csrf')
    .digest('base64url');
}

/** Owns the sessions table: creating, checking, listing and revoking browser sessions. */
@Injectable()
export class SessionsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SessionsService.name);
  /**
   * The cookie's token → its session. Keyed by the token itself, not its hash: a request then
   * finds its session with one map lookup and no hashing (the table stores only the hash).
   */
  private readonly cache = new Map<string, CachedSession>();
  private pruneTimer?: NodeJS.Timeout;

  constructor(
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    private readonly config: AppConfig,
    private readonly redis: RedisService,
  ) {}

  onModuleInit(): void {
    this.redis.onInvalidate('session', (id) =>
      this.forget((session) => session.id === id),
    );
    this.redis.onInvalidate('user-sessions', (userId) =>
      this.forget((session) => session.userId === userId),
    );
    this.redis.onReconnect(() => this.cache.clear());
    this.pruneTimer = prunePeriodically(
      this.logger,
      'expired sessions',
      () => this.pruneExpired(),
      PRUNE_INTERVAL_MS,
    );
  }

  onModuleDestroy(): void {
    clearInterval(this.pruneTimer);
  }

  /** A new session: its id, the cookie's token and the CSRF token, each shown only now. */
  async create(
    userId: string,
    tokensValidAfter: number,
    client: { ip: string | null; userAgent: string | null },
  ): Promise<{ id: string; token: string; csrfToken: string }> {
    const id = randomUUID();
    const token = randomBytes(32).toString('base64url');
    const csrfToken = csrfTokenFor(token);
    const issuedAt = credentialIssuedAt(tokensValidAfter);
    await this.sessions.insert({
      id,
      userId,
      tokenHash: sha256Hex(token),
      csrfHash: sha256Hex(csrfToken),
      createdAt: new Date(issuedAt),
      lastSeenAt: new Date(issuedAt),
      expiresAt: new Date(issuedAt + this.config.sessionMaxAgeSeconds * 1000),
      ip: client.ip?.slice(0, 64) ?? null,
      userAgent: client.userAgent?.slice(0, 512) ?? null,
    });
    return { id, token, csrfToken };
  }

  /**
   * The CSRF token of the live session `token` names, for a page that lost it. Sessions made
   * before the token was derived from the cookie had a random one: those switch to the derived
   * one now (the old one stops working).
   */
  async csrfTokenOf(session: ActiveSession, token: string): Promise<string> {
    const csrfToken = csrfTokenFor(token);
    if (!this.csrfMatches(session, csrfToken)) {
      await this.sessions.update(
        { id: session.id },
        { csrfHash: sha256Hex(csrfToken) },
      );
      this.forget((cached) => cached.id === session.id);
      await this.redis.invalidate('session', session.id);
    }
    return csrfToken;
  }

  /** The live session the cookie names, or null (unknown, revoked, idle too long or too old). */
  async verify(token: string): Promise<ActiveSession | null> {
    if (token.length > 128) {
      return null;
    }
    return this.touch(this.cached(token) ?? (await this.lookup(token)));
  }

  /**
   * `verify`'s answer when memory alone can give it, else undefined (then call `verify`):
   * lets a request whose every check is answered from memory stay synchronous.
   */
  verifyFromCache(token: string): ActiveSession | null | undefined {
    if (token.length > 128) {
      return null;
    }
    const session = this.cached(token);
    return session && this.touch(session);
  }

  /** The session if it is still active, now counted as seen. */
  private touch(session: CachedSession | null): ActiveSession | null {
    const now = Date.now();
    if (
      !session ||
      now >= session.expiresAt ||
      now - session.lastSeenAt > this.config.sessionIdleTimeoutSeconds * 1000
    ) {
      return null;
    }
    session.lastSeenAt = now;
    if (now - session.persistedLastSeenAt >= LAST_SEEN_WRITE_MS) {
      session.persistedLastSeenAt = now;
      this.sessions
        .update({ id: session.id }, { lastSeenAt: new Date(now) })
        .catch((error: unknown) =>
          this.logger.warn({
            msg: 'recording session activity failed',
            session_id: session.id,
            error: error instanceof Error ? error.message : 'unknown',
          }),
        );
    }
    return session;
  }

  csrfMatches(session: ActiveSession, csrfToken: string | undefined): boolean {
    return (
      !!csrfToken && timingSafeEqual(sha256Bytes(csrfToken), session.csrfHash)
    );
  }

  async list(
    userId: string,
    currentId: string | null,
  ): Promise<SessionListItem[]> {
    const now = Date.now();
    const idleCutoff = now - this.config.sessionIdleTimeoutSeconds * 1000;
    const rows = await this.sessions.find({
      where: { userId },
      order: { createdAt: 'DESC', id: 'ASC' },
    });
    const seen = new Map(
      [...this.cache.values()].map((s) => [s.id, s.lastSeenAt]),
    );
    return rows
      .map((row) => ({
        row,
        lastSeen: Math.max(row.lastSeenAt.getTime(), seen.get(row.id) ?? 0),
      }))
      .filter(
        ({ row, lastSeen }) =>
          row.expiresAt.getTime() > now && lastSeen >= idleCutoff,
      )
      .map(({ row, lastSeen }) => ({
        id: row.id,
        created_at: row.createdAt.toISOString(),
        last_seen_at: new Date(lastSeen).toISOString(),
        ip: row.ip,
        user_agent: row.userAgent,
        current: row.id === currentId,
      }));
  }

  /** 404 for another user's session as for a missing one. */
  async revoke(userId: string, id: string): Promise<void> {
    const result = await this.sessions.delete({ id, userId });
    this.forget((session) => session.id === id);
    await this.redis.invalidate('session', id);
    if (!result.affected) {
      throw new NotFoundException(`No session with id ${id}`);
    }
  }

  /** Ends every session of the user, but `exceptId` when given (the caller's own). */
  async revokeAllOf(
    userId: string,
    exceptId: string | null = null,
  ): Promise<void> {
    await this.sessions.delete(
      exceptId ? { userId, id: Not(exceptId) } : { userId },
    );
    this.forget(
      (session) => session.userId === userId && session.id !== exceptId,
    );
    await this.redis.invalidate('user-sessions', userId);
  }

  /** Sessions that are still live. */
  count(): Promise<number> {
    return this.sessions.count({
      where: { expiresAt: Not(LessThan(new Date())) },
    });
  }

  async pruneExpired(now = Date.now()): Promise<number> {
    const idleCutoff = new Date(
      now - this.config.sessionIdleTimeoutSeconds * 1000,
    );
    const expired = await this.sessions.delete({
      expiresAt: LessThan(new Date(now)),
    });
    const idle = await this.sessions.delete({
      lastSeenAt: LessThan(idleCutoff),
    });
    return (expired.affected ?? 0) + (idle.affected ?? 0);
  }

  private cached(token: string): CachedSession | undefined {
    return this.redis.servable(this.cache.get(token), SESSION_CACHE_TTL_MS);
  }

  private async lookup(token: string): Promise<CachedSession | null> {
    // A stale entry still knows when the session was last seen here.
    const cached = this.cache.get(token);
    const now = Date.now();
    const row = await this.sessions
      .createQueryBuilder('session')
      .addSelect('session.csrfHash')
      .where('session.tokenHash = :tokenHash', { tokenHash: sha256Hex(token) })
      .getOne();
    this.cache.delete(token);
    if (!row) {
      return null;
    }
    const lastSeenAt = Math.max(
      row.lastSeenAt.getTime(),
      cached?.lastSeenAt ?? 0,
    );
    const session: CachedSession = {
      id: row.id,
      userId: row.userId,
      issuedAt: row.createdAt.getTime(),
      expiresAt: row.expiresAt.getTime(),
      csrfHash: Buffer.from(row.csrfHash, 'hex'),
      lastSeenAt,
      persistedLastSeenAt: row.lastSeenAt.getTime(),
      cachedAt: now,
    };
    setBounded(this.cache, token, session, SESSION_CACHE_SIZE);
    return session;
  }

  private forget(matches: (session: CachedSession) => boolean): void {
    for (const [token, session] of this.cache) {
      if (matches(session)) {
        this.cache.delete(token);
      }
    }
  }
}

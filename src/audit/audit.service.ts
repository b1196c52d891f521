import { randomUUID } from 'node:crypto';
import {
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  And,
  type FindOperator,
  type FindOptionsWhere,
  LessThan,
  MoreThanOrEqual,
  type Repository,
} from 'typeorm';
import { currentRequest } from '../common/http/request-context';
import {
  AuditEvent,
  type AuditEventType,
  type AuditOutcome,
} from './audit-event.entity';

/** How long an event waits in memory before it is written: the most a crash can lose. */
export const AUDIT_FLUSH_INTERVAL_MS = 1_000;
/** 11 parameters a row keeps a statement under SQLite's oldest limit of 999. */
const ROWS_PER_STATEMENT = 50;
/** While the database refuses writes, at most this many wait in memory; more are dropped (and counted). */
const MAX_QUEUED = 10_000;
const MAX_USERNAME = 64;

/** Ids, names and flags only: never a password, token, key, cookie, CSRF token or hash. */
export type AuditDetails = Readonly<
  Record<string, string | number | boolean | null | readonly string[]>
>;

export interface AuditRecord {
  readonly type: AuditEventType;
  readonly outcome: AuditOutcome;
  /** The account the event is about. */
  readonly userId?: string | null;
  /** Who acted; defaults to `userId` (people act on their own account). Pass null when unknown. */
  readonly actorId?: string | null;
  /** Normalised by the caller; kept even for names that match no account. */
  readonly username?: string | null;
  readonly details?: AuditDetails;
}

export interface AuditFilter {
  readonly type?: AuditEventType;
  readonly outcome?: AuditOutcome;
  readonly userId?: string;
  readonly actorId?: string;
  readonly username?: string;
  readonly requestId?: string;
  /** Inclusive. */
  readonly from?: Date;
  /** Exclusive. */
  readonly before?: Date;
}

/**
 * The security audit trail. `record()` is synchronous and never fails the request: the event
 * (with the request's IP, user agent and id) joins a queue written every second and at
 * shutdown, in multi-row inserts. A password-spraying burst thus costs a few inserts a second
 * rather than one per attempt, the request path never waits on the trail, and a crash loses at
 * most the last second. A failed write is retried; rows carry their id, so a retry of a write
 * that did land inserts nothing twice.
 */
@Injectable()
export class AuditService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(AuditService.name);
  private queue: AuditEvent[] = [];
  private dropped = 0;
  private timer?: NodeJS.Timeout;
  /** Flushes run one after another. */
  private tail: Promise<void> = Promise.resolve();
  private timedFlushWaiting = false;

  constructor(
    @InjectRepository(AuditEvent)
    private readonly events: Repository<AuditEvent>,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => {
      if (this.queue.length > 0 && !this.timedFlushWaiting) {
        this.timedFlushWaiting = true;
        void this.flush().finally(() => {
          this.timedFlushWaiting = false;
        });
      }
    }, AUDIT_FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  /** After the HTTP server has closed (so in-flight requests are recorded), before the database does. */
  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    if (this.queue.length > 0) {
      this.logger.error({
        msg: 'audit events lost at shutdown',
        events: this.queue.length,
      });
    }
  }

  record(event: AuditRecord): void {
    if (this.queue.length >= MAX_QUEUED) {
      this.dropped += 1;
      return;
    }
    const request = currentRequest();
    const userId = event.userId ?? null;
    this.queue.push({
      id: randomUUID(),
      occurredAt: new Date(),
      type: event.type,
      outcome: event.outcome,
      userId,
      actorId: event.actorId === undefined ? userId : event.actorId,
      username: event.username?.slice(0, MAX_USERNAME) ?? null,
      ip: request?.ip.slice(0, 64) ?? null,
      userAgent: request?.userAgent?.slice(0, 512) ?? null,
      requestId: request?.requestId ?? null,
      details: event.details ? JSON.stringify(event.details) : null,
    });
  }

  /**
   * Writes every event recorded before the call (after any flush already running, which may
   * have taken its batch before they came). Never rejects: what fails stays queued.
   */
  flush(): Promise<void> {
    this.tail = this.tail
      .then(() => this.writeQueued())
      .catch((error: unknown) =>
        this.logger.error({
          msg: 'audit flush failed',
          error: error instanceof Error ? error.message : 'unknown',
        }),
      );
    return this.tail;
  }

  /** Newest first. Writes the queue first, so an event recorded a moment ago is listed. */
  async list(
    filter: AuditFilter,
    page: number,
    limit: number,
  ): Promise<{ items: AuditEvent[]; total: number }> {
    await this.flush();
    const where: FindOptionsWhere<AuditEvent> = {};
    if (filter.type) {
      where.type = filter.type;
    }
    if (filter.outcome) {
      where.outcome = filter.outcome;
    }
    if (filter.userId) {
      where.userId = filter.userId;
    }
    if (filter.actorId) {
      where.actorId = filter.actorId;
    }
    if (filter.username) {
      where.username = filter.username;
    }
    if (filter.requestId) {
      where.requestId = filter.requestId;
    }
    const time: FindOperator<Date>[] = [];
    if (filter.from) {
      time.push(MoreThanOrEqual(filter.from));
    }
    if (filter.before) {
      time.push(LessThan(filter.before));
    }
    if (time.length > 0) {
      where.occurredAt = time.length === 1 ? time[0] : And(...time);
    }
    const [items, total] = await this.events.findAndCount({
      where,
      order: { occurredAt: 'DESC', id: 'DESC' },
      skip: (page - 1) * limit,
      take: limit,
    });
    return { items, total };
  }

  private async writeQueued(): Promise<void> {
    // Whatever is recorded while this runs waits for the next flush.
    const batch = this.queue;
    this.queue = [];
    for (let i = 0; i < batch.length; i += ROWS_PER_STATEMENT) {
      try {
        await this.events
          .createQueryBuilder()
          .insert()
          .into(AuditEvent)
          .values(batch.slice(i, i + ROWS_PER_STATEMENT))
          .orIgnore()
          .execute();
      } catch (error) {
        // Oldest first again, ahead of what was recorded meanwhile.
        const kept = [...batch.slice(i), ...this.queue];
        this.dropped += Math.max(0, kept.length - MAX_QUEUED);
        this.queue = kept.slice(0, MAX_QUEUED);
        this.logger.warn({
          msg: 'audit events kept for the next flush',
          events: batch.length - i,
          error: error instanceof Error ? error.message : 'unknown',
        });
        break;
      }
    }
    if (this.dropped > 0) {
      this.logger.error({
        msg: 'audit events dropped: the queue was full',
        events: this.dropped,
      });
      this.dropped = 0;
    }
  }
}

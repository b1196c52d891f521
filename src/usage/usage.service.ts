import {
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Between, In, QueryFailedError, type Repository } from 'typeorm';
import { type UsageDelta, UsageCounter } from './usage-counter';
import { UsageDaily } from './usage-daily.entity';
import type { DayRange } from './usage-range';

/** How long counts wait in memory: the most a crash can lose. */
export const USAGE_FLUSH_INTERVAL_MS = 5_000;
/** 4 parameters a row stays well under SQLite's oldest limit of 999 per statement. */
const ROWS_PER_STATEMENT = 200;

export interface UserUsageTotal {
  readonly userId: string;
  readonly count: number;
}

/**
 * Counts authenticated requests per user, API key and UTC day. A request only bumps an
 * in-memory counter; every few seconds (and at shutdown) the counts are added to the table by
 * upserts that add (`count = count + n`), each statement atomic. A failed statement's counts go
 * back into the counter and are retried with the next flush; a written one is never re-sent. So
 * a crash loses at most one interval's counts and never leaves a wrong total. Reads merge the
 * counts not yet written, and run exclusively with flushes so nothing is counted twice or missed.
 */
@Injectable()
export class UsageService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(UsageService.name);
  private timer?: NodeJS.Timeout;
  /** Serialises flushes and reads. */
  private tail: Promise<unknown> = Promise.resolve();
  private timedFlushWaiting = false;

  constructor(
    @InjectRepository(UsageDaily)
    private readonly usage: Repository<UsageDaily>,
    private readonly counter: UsageCounter = new UsageCounter(),
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => this.timedFlush(), USAGE_FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  /** After the HTTP server has closed (so in-flight requests are counted), before the database does. */
  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    const lost = this.counter.size;
    if (lost > 0) {
      this.logger.error({ msg: 'usage counts lost at shutdown', rows: lost });
    }
  }

  /** One authenticated request, now. */
  record(
    userId: string,
    apiKeyId: string | null,
    at: Date | number = Date.now(),
  ): void {
    this.counter.record(userId, apiKeyId, at);
  }

  /** Writes the pending counts; what fails stays pending. Rejects only on a programming error. */
  flush(): Promise<void> {
    return this.exclusive(() => this.writePending());
  }

  /** The user's counts in the range, per day and key, including those not yet written. */
  forUser(userId: string, range: DayRange): Promise<UsageDelta[]> {
    return this.exclusive(async () => {
      const rows = await this.usage.find({
        where: { userId, day: Between(range.from, range.to) },
      });
      return [
        ...rows.map(toDelta),
        ...this.counter.pending(
          (delta) => delta.userId === userId && inRange(delta.day, range),
        ),
      ];
    });
  }

  /**
   * Every user's total in the range (optionally one user's), most requests first, and the rows
   * of the page asked for: one page's users, not the whole table.
   */
  page(
    range: DayRange,
    userId: string | undefined,
    page: number,
    limit: number,
  ): Promise<{ totals: UserUsageTotal[]; total: number; rows: UsageDelta[] }> {
    return this.exclusive(async () => {
      const query = this.usage
        .createQueryBuilder('daily')
        .select('daily.userId', 'user_id')
        .addSelect('SUM(daily.count)', 'count')
        .where('daily.day BETWEEN :from AND :to', {
          from: range.from,
          to: range.to,
        })
        .groupBy('daily.userId');
      if (userId) {
        query.andWhere('daily.userId = :userId', { userId });
      }
      const sums = new Map<string, number>();
      for (const row of await query.getRawMany<{
        user_id: string;
        count: string | number;
      }>()) {
        sums.set(row.user_id, Number(row.count));
      }
      const pending = this.counter.pending(
        (delta) =>
          inRange(delta.day, range) && (!userId || delta.userId === userId),
      );
      for (const delta of pending) {
        sums.set(delta.userId, (sums.get(delta.userId) ?? 0) + delta.count);
      }
      const totals = [...sums]
        .map(([id, count]) => ({ userId: id, count }))
        .sort((a, b) => b.count - a.count || compare(a.userId, b.userId));
      const pageTotals = totals.slice((page - 1) * limit, page * limit);
      const ids = pageTotals.map((entry) => entry.userId);
      const rows =
        ids.length === 0
          ? []
          : await this.usage.find({
              where: { userId: In(ids), day: Between(range.from, range.to) },
            });
      return {
        totals: pageTotals,
        total: totals.length,
        rows: [
          ...rows.map(toDelta),
          ...pending.filter((delta) => ids.includes(delta.userId)),
        ],
      };
    });
  }

  private timedFlush(): void {
    if (this.timedFlushWaiting || this.counter.size === 0) {
      return;
    }
    this.timedFlushWaiting = true;
    this.flush()
      .catch((error: unknown) =>
        this.logger.error({
          msg: 'usage flush failed',
          error: messageOf(error),
        }),
      )
      .finally(() => {
        this.timedFlushWaiting = false;
      });
  }

  private async writePending(): Promise<void> {
    const deltas = this.counter.take();
    for (let i = 0; i < deltas.length; i += ROWS_PER_STATEMENT) {
      const chunk = deltas.slice(i, i + ROWS_PER_STATEMENT);
      try {
        await this.add(chunk);
      } catch (error) {
        if (isForeignKeyViolation(error)) {
          // A user deleted since their request: write the others, drop theirs.
          await this.addOneByOne(chunk);
        } else {
          this.counter.restore(chunk);
          this.logger.warn({
            msg: 'usage counts kept for the next flush',
            rows: chunk.length,
            error: messageOf(error),
          });
        }
      }
    }
  }

  private async addOneByOne(deltas: readonly UsageDelta[]): Promise<void> {
    for (const delta of deltas) {
      try {
        await this.add([delta]);
      } catch (error) {
        if (!isForeignKeyViolation(error)) {
          this.counter.restore([delta]);
        }
      }
    }
  }

  /** One statement, so it adds all of its rows or none. */
  private async add(deltas: readonly UsageDelta[]): Promise<void> {
    const parameters: Record<string, string | number> = {};
    const values = deltas.map((delta, i) => {
      parameters[`d${i}`] = delta.day;
      parameters[`u${i}`] = delta.userId;
      parameters[`k${i}`] = delta.apiKeyId;
      parameters[`c${i}`] = delta.count;
      return `(:d${i}, :u${i}, :k${i}, :c${i})`;
    });
    // ON CONFLICT … DO UPDATE: SQLite 3.24+ and PostgreSQL 9.5+; `excluded` is the row refused.
    const sql =
      'INSERT INTO "usage_daily" ("day", "user_id", "api_key_id", "count") ' +
      `VALUES ${values.join(', ')} ` +
      'ON CONFLICT ("day", "user_id", "api_key_id") ' +
      'DO UPDATE SET "count" = "usage_daily"."count" + excluded."count"';
    const [query, native] =
      this.usage.manager.connection.driver.escapeQueryWithParameters(
        sql,
        parameters,
        {},
      );
    await this.usage.query(query, native);
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.tail.then(task);
    this.tail = run.catch(() => undefined);
    return run;
  }
}

function toDelta(row: UsageDaily): UsageDelta {
  return {
    day: row.day,
    userId: row.userId,
    apiKeyId: row.apiKeyId,
    count: Number(row.count),
  };
}

function inRange(day: string, range: DayRange): boolean {
  return day >= range.from && day <= range.to;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** SQLite names it in the message; PostgreSQL's code is 23503. */
function isForeignKeyViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) {
    return false;
  }
  const driverError = error.driverError as { code?: string; message?: string };
  return (
    driverError.code === '23503' ||
    /FOREIGN KEY constraint failed/.test(driverError.message ?? error.message)
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : 'unknown';
}

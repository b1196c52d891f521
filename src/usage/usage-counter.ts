import { Injectable } from '@nestjs/common';
import { NO_API_KEY } from './usage-daily.entity';
import { UtcDayClock } from './usage-range';

/** One row's worth of counting: requests by a user, with one API key or none, on one UTC day. */
export interface UsageDelta {
  readonly day: string;
  readonly userId: string;
  /** A key id, or '' for requests made with a password, a token or a session. */
  readonly apiKeyId: string;
  readonly count: number;
}

/** A delta while it is pending: counting adds to it in place. */
interface PendingRow extends Omit<UsageDelta, 'count'> {
  count: number;
}

/**
 * The counts not yet written, aggregated in memory so that a request costs a map update and
 * not a database write. One per app (UsageCountingModule): UsageGuard adds to it, UsageService
 * writes it out. `take()` hands them to a flush; `restore()` puts back what a failed
 * flush could not write, adding to whatever was counted meanwhile.
 */
@Injectable()
export class UsageCounter {
  /**
   * day → user → API key → row. Each level is keyed by a string the caller already holds, so
   * counting a request builds no key string and no object: both showed in the hot path's profile.
   */
  private days = new Map<string, Map<string, Map<string, PendingRow>>>();
  private rows = 0;

  private readonly clock = new UtcDayClock();

  /** One authenticated request, by a user with an API key or without one, at `at`. */
  record(
    userId: string,
    apiKeyId: string | null,
    at: Date | number = Date.now(),
  ): void {
    this.add(
      this.clock.dayOf(typeof at === 'number' ? at : at.getTime()),
      userId,
      apiKeyId ?? NO_API_KEY,
    );
  }

  get size(): number {
    return this.rows;
  }

  add(day: string, userId: string, apiKeyId: string, count = 1): void {
    let users = this.days.get(day);
    if (!users) {
      users = new Map();
      this.days.set(day, users);
    }
    let keys = users.get(userId);
    if (!keys) {
      keys = new Map();
      users.set(userId, keys);
    }
    const row = keys.get(apiKeyId);
    if (row) {
      row.count += count;
    } else {
      keys.set(apiKeyId, { day, userId, apiKeyId, count });
      this.rows += 1;
    }
  }

  /** Everything counted so far; the counter starts afresh (so the rows handed out never change). */
  take(): UsageDelta[] {
    const taken = [...this.allRows()];
    this.days = new Map();
    this.rows = 0;
    return taken;
  }

  restore(deltas: readonly UsageDelta[]): void {
    for (const delta of deltas) {
      this.add(delta.day, delta.userId, delta.apiKeyId, delta.count);
    }
  }

  /** A copy of the pending counts that match, for answers that must include them. */
  pending(matches: (delta: UsageDelta) => boolean): UsageDelta[] {
    return [...this.allRows()].filter(matches).map((row) => ({ ...row }));
  }

  private *allRows(): Generator<PendingRow> {
    for (const users of this.days.values()) {
      for (const keys of users.values()) {
        yield* keys.values();
      }
    }
  }
}

/** One row's worth of counting: requests by a user, with one API key or none, on one UTC day. */
export interface UsageDelta {
  readonly day: string;
  readonly userId: string;
  /** A key id, or '' for requests made with a password, a token or a session. */
  readonly apiKeyId: string;
  readonly count: number;
}

/**
 * The counts not yet written, aggregated in memory so that a request costs a map update and
 * not a database write. `take()` hands them to a flush; `restore()` puts back what a failed
 * flush could not write, adding to whatever was counted meanwhile.
 */
export class UsageCounter {
  private counts = new Map<string, UsageDelta>();

  get size(): number {
    return this.counts.size;
  }

  add(day: string, userId: string, apiKeyId: string, count = 1): void {
    const key = keyOf(day, userId, apiKeyId);
    const current = this.counts.get(key)?.count ?? 0;
    this.counts.set(key, { day, userId, apiKeyId, count: current + count });
  }

  /** Everything counted so far; the counter starts afresh. */
  take(): UsageDelta[] {
    const taken = [...this.counts.values()];
    this.counts = new Map();
    return taken;
  }

  restore(deltas: readonly UsageDelta[]): void {
    for (const delta of deltas) {
      this.add(delta.day, delta.userId, delta.apiKeyId, delta.count);
    }
  }

  /** A copy of the pending counts that match, for answers that must include them. */
  pending(matches: (delta: UsageDelta) => boolean): UsageDelta[] {
    return [...this.counts.values()].filter(matches);
  }
}

function keyOf(day: string, userId: string, apiKeyId: string): string {
  return `${day}\u0000${userId}\u0000${apiKeyId}`;
}

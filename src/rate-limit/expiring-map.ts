interface Entry {
  value: number;
  /** Epoch milliseconds; Infinity until `expire` is called, like a Redis key without a TTL. */
  expiresAt: number;
}

const SWEEP_INTERVAL_MS = 60_000;

/**
 * The few Redis commands the rate-limit and lockout stores use (GET, INCR, DECR, SET PX,
 * PEXPIRE, PTTL, DEL, EXISTS), on numbers in this process's memory: the fallback when Redis is
 * unset or away. Bounded: expired entries are swept at most once a minute, and past `maxEntries`
 * the oldest entry goes first, so a flood of new keys costs memory up to the bound, never more.
 */
export class ExpiringMap {
  private readonly entries = new Map<string, Entry>();
  private lastSweep = 0;

  constructor(private readonly maxEntries: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): number | undefined {
    return this.live(key)?.value;
  }

  exists(key: string): boolean {
    return this.live(key) !== undefined;
  }

  /** The new value; a new key starts at 0 and never expires until `expire` says so. */
  incr(key: string, by = 1): number {
    const entry = this.live(key);
    if (entry) {
      entry.value += by;
      return entry.value;
    }
    this.insert(key, { value: by, expiresAt: Infinity });
    return by;
  }

  set(key: string, value: number, ttlMs: number): void {
    this.entries.delete(key);
    this.insert(key, { value, expiresAt: Date.now() + ttlMs });
  }

  expire(key: string, ttlMs: number): void {
    const entry = this.live(key);
    if (entry) {
      entry.expiresAt = Date.now() + ttlMs;
    }
  }

  /** Milliseconds left, or -2 when the key does not exist and -1 when it never expires (as PTTL). */
  ttl(key: string): number {
    const entry = this.live(key);
    if (!entry) {
      return -2;
    }
    return entry.expiresAt === Infinity ? -1 : entry.expiresAt - Date.now();
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private insert(key: string, entry: Entry): void {
    const now = Date.now();
    if (now - this.lastSweep >= SWEEP_INTERVAL_MS) {
      this.lastSweep = now;
      for (const [k, e] of this.entries) {
        if (e.expiresAt <= now) {
          this.entries.delete(k);
        }
      }
    }
    while (this.entries.size >= this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    this.entries.set(key, entry);
  }
}

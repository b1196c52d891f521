// Dates and waits as people read them.

/** "in 45 seconds", "in 3 minutes", "in 2 hours"; rounded up, so nobody retries too early. */
export function formatWait(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) {
    return `in ${s} second${s === 1 ? '' : 's'}`;
  }
  const minutes = Math.ceil(s / 60);
  if (minutes < 60) {
    return `in ${minutes} minute${minutes === 1 ? '' : 's'}`;
  }
  const hours = Math.ceil(minutes / 60);
  return `in ${hours} hour${hours === 1 ? '' : 's'}`;
}

/** A rate limit's window as a unit: "day", "hour", "minute", or "90 seconds". */
export function formatPeriod(seconds: number): string {
  const units: Record<number, string> = {
    86400: 'day',
    3600: 'hour',
    60: 'minute',
    1: 'second',
  };
  return units[seconds] ?? `${seconds} seconds`;
}

/** The sentence a refused sign-in shows: when to try again, if the server said. */
export function retryMessage(retryAfterSeconds: number | null): string {
  return retryAfterSeconds === null
    ? 'Too many attempts. Please wait before trying again.'
    : `Too many attempts. Try again ${formatWait(retryAfterSeconds)}.`;
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) {
    return '—';
  }
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? '—'
    : date.toLocaleString(undefined, {
        dateStyle: 'medium',
        timeStyle: 'short',
      });
}

/** `YYYY-MM-DD` of a UTC day, as the usage API counts them. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The `count` UTC days ending with `today`'s, oldest first. */
export function lastDays(count: number, today: Date = new Date()): string[] {
  const days: string[] = [];
  for (let i = count - 1; i >= 0; i -= 1) {
    days.push(utcDay(new Date(today.getTime() - i * 86_400_000)));
  }
  return days;
}

// The usage API leaves out days without requests; the chart wants every day of the range.
import { lastDays } from './format';

export interface UsageDay {
  day: string;
  count: number;
  by_api_key: Record<string, number>;
}

/** One point per day of `days`, counting all requests or, given `apiKeyId`, that key's. */
export function dailySeries(
  usage: readonly UsageDay[],
  days: readonly string[],
  apiKeyId: string | null = null,
): { day: string; count: number }[] {
  const byDay = new Map(usage.map((entry) => [entry.day, entry]));
  return days.map((day) => {
    const entry = byDay.get(day);
    const count = !entry
      ? 0
      : apiKeyId === null
        ? entry.count
        : (entry.by_api_key[apiKeyId] ?? 0);
    return { day, count };
  });
}

/** Every API key id that appears in the usage, most requests first. */
export function keysIn(usage: readonly UsageDay[]): string[] {
  const totals = new Map<string, number>();
  for (const entry of usage) {
    for (const [id, count] of Object.entries(entry.by_api_key)) {
      totals.set(id, (totals.get(id) ?? 0) + count);
    }
  }
  return [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id);
}

/** The 30 UTC days ending today, as `from`/`to` for the usage API. */
export function thirtyDays(today: Date = new Date()): string[] {
  return lastDays(30, today);
}

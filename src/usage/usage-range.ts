import { BadRequestException } from '@nestjs/common';

export const DEFAULT_RANGE_DAYS = 30;
export const MAX_RANGE_DAYS = 366;
const DAY_MS = 86_400_000;
const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** The UTC calendar day of `at`, as `YYYY-MM-DD`. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/**
 * `utcDay` for a clock that stays within one day for a day at a time: the text is built once
 * per day, not once per request (`toISOString` showed in the request path's profile).
 */
export class UtcDayClock {
  private day = '';
  private startsAt = 0;
  private endsAt = 0;

  dayOf(epochMs: number): string {
    if (epochMs < this.startsAt || epochMs >= this.endsAt) {
      this.startsAt = epochMs - (((epochMs % DAY_MS) + DAY_MS) % DAY_MS);
      this.endsAt = this.startsAt + DAY_MS;
      this.day = utcDay(new Date(this.startsAt));
    }
    return this.day;
  }
}

/** `YYYY-MM-DD` naming a day that exists (no 2025-02-30). */
export function isDay(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    DAY_PATTERN.test(value) &&
    !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) &&
    utcDay(new Date(`${value}T00:00:00Z`)) === value
  );
}

export interface DayRange {
  readonly from: string;
  readonly to: string;
}

/**
 * Both ends inclusive. `to` defaults to today (UTC) and `from` to the 30 days ending at `to`;
 * at most 366 days. Errors name the field, like the validation pipe's.
 */
export function resolveDayRange(
  from: string | undefined,
  to: string | undefined,
  now = new Date(),
): DayRange {
  const end = to ?? utcDay(now);
  const start =
    from ?? utcDay(new Date(dayStart(end) - (DEFAULT_RANGE_DAYS - 1) * DAY_MS));
  if (start > end) {
    throw new BadRequestException('from must not be after to');
  }
  const days = (dayStart(end) - dayStart(start)) / DAY_MS + 1;
  if (days > MAX_RANGE_DAYS) {
    throw new BadRequestException(
      `from and to must span at most ${MAX_RANGE_DAYS} days`,
    );
  }
  return { from: start, to: end };
}

function dayStart(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

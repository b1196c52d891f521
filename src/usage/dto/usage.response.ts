import { ApiProperty } from '@nestjs/swagger';
import type { UsageDelta } from '../usage-counter';
import { NO_API_KEY } from '../usage-daily.entity';

export class UsageDayResponse {
  @ApiProperty({ format: 'date', example: '2025-01-30' }) day!: string;
  @ApiProperty({
    description: 'Authenticated requests that day, with any credential',
    example: 12,
  })
  count!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description:
      'Of those, the requests made with each API key, by key id (keys not used that day are absent)',
    example: { a1b2c3d4: 5 },
  })
  by_api_key!: Record<string, number>;
}

/** The caller's own usage. */
export class UsageResponse {
  @ApiProperty({ format: 'date' }) from!: string;
  @ApiProperty({ format: 'date' }) to!: string;
  @ApiProperty({ description: 'Requests in the whole range' }) count!: number;
  @ApiProperty({
    type: UsageDayResponse,
    isArray: true,
    description: 'Oldest first; days without requests are left out',
  })
  days!: UsageDayResponse[];
}

export class UserUsageResponse {
  @ApiProperty({ format: 'uuid' }) user_id!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'null once the account is gone',
  })
  username!: string | null;
  @ApiProperty({ description: 'Requests in the whole range' }) count!: number;
  @ApiProperty({ type: UsageDayResponse, isArray: true })
  days!: UsageDayResponse[];
}

/** Everyone's usage: users with requests in the range, most requests first. */
export class UsagePage {
  @ApiProperty({ format: 'date' }) from!: string;
  @ApiProperty({ format: 'date' }) to!: string;
  @ApiProperty({ type: UserUsageResponse, isArray: true })
  items!: UserUsageResponse[];
  @ApiProperty({ description: 'Users with requests in the range' })
  total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() limit!: number;
}

/** Folds rows (several per day: one per key, and pending ones) into the daily series. */
export function toDailySeries(deltas: readonly UsageDelta[]): {
  count: number;
  days: UsageDayResponse[];
} {
  const days = new Map<string, UsageDayResponse>();
  let count = 0;
  for (const delta of deltas) {
    let day = days.get(delta.day);
    if (!day) {
      day = { day: delta.day, count: 0, by_api_key: {} };
      days.set(delta.day, day);
    }
    day.count += delta.count;
    count += delta.count;
    if (delta.apiKeyId !== NO_API_KEY) {
      day.by_api_key[delta.apiKeyId] =
        (day.by_api_key[delta.apiKeyId] ?? 0) + delta.count;
    }
  }
  return {
    count,
    days: [...days.values()].sort((a, b) => (a.day < b.day ? -1 : 1)),
  };
}

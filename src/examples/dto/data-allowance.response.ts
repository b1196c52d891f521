import { ApiProperty } from '@nestjs/swagger';
import type { Allowance } from '../../rate-limit/rate-limit.storage';

export class KeyAllowanceResponse {
  @ApiProperty({ example: 'k3x9a0b2' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: 'gkey_k3x9a0b2' }) prefix!: string;
  @ApiProperty({ description: 'Requests this key may still make' })
  remaining!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      'Seconds until its window ends; null when none runs (the next request starts one)',
  })
  resets_in_seconds!: number | null;
}

/** What is left of RATE_LIMIT_DATA: each API key has its own, other credentials share the user's. */
export class DataAllowanceResponse {
  @ApiProperty({ example: 100 }) limit!: number;
  @ApiProperty({ example: 86400 }) window_seconds!: number;
  @ApiProperty({
    description:
      'Left to the caller: the user (session, bearer token, Basic) or, with an API key, that key',
  })
  remaining!: number;
  @ApiProperty({ type: Number, nullable: true })
  resets_in_seconds!: number | null;
  @ApiProperty({
    type: KeyAllowanceResponse,
    isArray: true,
    description:
      'Each of the user’s API keys; empty when the caller is an API key',
  })
  api_keys!: KeyAllowanceResponse[];
}

export function allowanceFields(allowance: Allowance): {
  remaining: number;
  resets_in_seconds: number | null;
} {
  return {
    remaining: allowance.remaining,
    resets_in_seconds: allowance.resetsInSeconds,
  };
}

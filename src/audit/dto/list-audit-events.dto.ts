import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
} from 'class-validator';
import { PageQueryDto } from '../../common/http/page-query.dto';
import {
  AUDIT_EVENT_TYPES,
  AUDIT_OUTCOMES,
  type AuditEventType,
  type AuditOutcome,
} from '../audit-event.entity';

export class ListAuditEventsDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: AUDIT_EVENT_TYPES })
  @IsOptional()
  @IsIn(AUDIT_EVENT_TYPES)
  type?: AuditEventType;

  @ApiPropertyOptional({ enum: AUDIT_OUTCOMES })
  @IsOptional()
  @IsIn(AUDIT_OUTCOMES)
  outcome?: AuditOutcome;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Events about this account',
  })
  @IsOptional()
  @IsUUID()
  user_id?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Events by this account (e.g. an admin)',
  })
  @IsOptional()
  @IsUUID()
  actor_id?: string;

  @ApiPropertyOptional({
    description:
      'Events naming this username (normalised), e.g. failed logins of a name with no account',
  })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  username?: string;

  @ApiPropertyOptional({
    description: 'Events of one request (its X-Request-Id)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  request_id?: string;

  @ApiPropertyOptional({
    description: 'Inclusive: a date (YYYY-MM-DD, UTC) or an ISO 8601 instant',
    example: '2025-01-01',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({
    description:
      'Inclusive: a date (YYYY-MM-DD, UTC: the whole day) or an ISO 8601 instant',
    example: '2025-01-31',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

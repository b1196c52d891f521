import { ApiProperty } from '@nestjs/swagger';
import {
  AUDIT_EVENT_TYPES,
  AUDIT_OUTCOMES,
  type AuditEvent,
  type AuditEventType,
  type AuditOutcome,
} from '../audit-event.entity';

export class AuditEventResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'date-time' }) occurred_at!: string;
  @ApiProperty({ enum: AUDIT_EVENT_TYPES }) type!: AuditEventType;
  @ApiProperty({ enum: AUDIT_OUTCOMES }) outcome!: AuditOutcome;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The account the event is about (kept after it is deleted)',
  })
  user_id!: string | null;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'Who acted: the user, an admin, or null when unknown',
  })
  actor_id!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Normalised; for a failed login, the name tried',
  })
  username!: string | null;
  @ApiProperty({ type: String, nullable: true }) ip!: string | null;
  @ApiProperty({ type: String, nullable: true }) user_agent!: string | null;
  @ApiProperty({ type: String, nullable: true }) request_id!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'Ids and flags about the event; never a secret',
  })
  details!: Record<string, unknown> | null;
}

export class AuditEventPage {
  @ApiProperty({ type: AuditEventResponse, isArray: true })
  items!: AuditEventResponse[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() limit!: number;
}

export function toAuditEventResponse(event: AuditEvent): AuditEventResponse {
  return {
    id: event.id,
    occurred_at: event.occurredAt.toISOString(),
    type: event.type,
    outcome: event.outcome,
    user_id: event.userId,
    actor_id: event.actorId,
    username: event.username,
    ip: event.ip,
    user_agent: event.userAgent,
    request_id: event.requestId,
    details: event.details
      ? (JSON.parse(event.details) as Record<string, unknown>)
      : null,
  };
}

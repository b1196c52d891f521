import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export {
  AUDIT_EVENT_TYPES,
  AUDIT_OUTCOMES,
  type AuditEventType,
  type AuditOutcome,
} from './audit-event-types';
import type { AuditEventType, AuditOutcome } from './audit-event-types';

/**
 * One security event, appended and never changed. `user_id` is the account the event is about
 * and `actor_id` who acted (the same user, an admin, or nobody known). Neither is a foreign key:
 * the trail outlives the accounts it names, so `username` is kept beside the id. No column ever
 * holds a secret: callers pass ids, never passwords, tokens, keys or hashes.
 */
@Entity({ name: 'audit_events' })
export class AuditEvent {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Index()
  @Column({ name: 'occurred_at', type: Date })
  occurredAt!: Date;

  @Index()
  @Column({ type: 'varchar', length: 32 })
  type!: AuditEventType;

  @Column({ type: 'varchar', length: 7 })
  outcome!: AuditOutcome;

  @Index()
  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId!: string | null;

  @Index()
  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId!: string | null;

  /** Normalised; for a failed login, the name that was tried (which may match no account). */
  @Index()
  @Column({ type: 'varchar', length: 64, nullable: true })
  username!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip!: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent!: string | null;

  @Index()
  @Column({ name: 'request_id', type: 'varchar', length: 128, nullable: true })
  requestId!: string | null;

  /** A small JSON object of ids and flags. */
  @Column({ type: 'text', nullable: true })
  details!: string | null;
}

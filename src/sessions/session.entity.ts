import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
} from 'typeorm';
import { User } from '../users/user.entity';

/**
 * A browser session. The cookie holds a random session token; only its hash is stored, so a
 * database leak gives no one a usable cookie. `id` is the public handle used to list and revoke.
 */
@Entity({ name: 'sessions' })
export class Session {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Index()
  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({
    name: 'token_hash',
    type: 'varchar',
    length: 64,
    unique: true,
    select: false,
  })
  tokenHash!: string;

  @Column({ name: 'csrf_hash', type: 'varchar', length: 64, select: false })
  csrfHash!: string;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  /** Persisted at most once a minute; the idle timeout is measured from it. */
  @Column({ name: 'last_seen_at', type: Date })
  lastSeenAt!: Date;

  /** The absolute end of the session, whatever its activity. */
  @Index()
  @Column({ name: 'expires_at', type: Date })
  expiresAt!: Date;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip!: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent!: string | null;
}

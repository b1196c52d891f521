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
 * `api_key_id` of requests made with a password, a token or a session. Not NULL: a primary
 * key cannot hold it, and a unique index would treat every NULL as distinct.
 */
export const NO_API_KEY = '';

/**
 * How many authenticated requests a user made on one UTC day, per API key. Written only by
 * additive upserts (`count = count + n`), so batches from several instances and retries add up.
 */
@Entity({ name: 'usage_daily' })
@Index(['userId', 'day'])
export class UsageDaily {
  /** `YYYY-MM-DD`, UTC: sorts and compares as text on every driver. */
  @PrimaryColumn({ type: 'varchar', length: 10 })
  day!: string;

  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  /**
   * The key's id, or `NO_API_KEY`. No foreign key: a deleted key's past usage still counts
   * towards its owner's history.
   */
  @PrimaryColumn({ name: 'api_key_id', type: 'varchar', length: 8 })
  apiKeyId!: string;

  @Column({ type: 'integer' })
  count!: number;
}

import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
} from 'typeorm';
import { User } from '../users/user.entity';

/** A user's API key. Only a hash of its secret is kept; `id` is the key's public, indexed part. */
@Entity({ name: 'api_keys' })
export class ApiKey {
  /** The 8 characters after `gkey_`: public, shown in lists, the lookup index. */
  @PrimaryColumn({ type: 'varchar', length: 8 })
  id!: string;

  @Index()
  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  /** SHA-256 of the 256-bit random secret: a slow hash adds nothing to a secret that strong. */
  @Column({ name: 'secret_hash', type: 'varchar', length: 64, select: false })
  secretHash!: string;

  @Column({ type: 'simple-array' })
  scopes!: string[];

  @Column({ name: 'expires_at', type: Date, nullable: true })
  expiresAt!: Date | null;

  @Column({ name: 'last_used_at', type: Date, nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;
}

import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { User } from '../users/user.entity';

/** One link of a rotation chain; every link that descends from one login shares `familyId`. */
@Entity({ name: 'refresh_tokens' })
export class RefreshToken {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index()
  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Index()
  @Column({ name: 'family_id', type: 'uuid' })
  familyId!: string;

  /** SHA-256 of the token: the token is 256 random bits, so a slow hash would add nothing. */
  @Column({
    name: 'token_hash',
    type: 'varchar',
    length: 64,
    unique: true,
    select: false,
  })
  tokenHash!: string;

  @Index()
  @Column({ name: 'expires_at', type: Date })
  expiresAt!: Date;

  @Column({ name: 'used_at', nullable: true, type: Date })
  usedAt!: Date | null;

  /**
   * Once spent: the pair its use answered, sealed under a key only the spent token yields (see
   * successor-seal.ts), so a replay within REFRESH_REUSE_GRACE answers the same pair. Cleared
   * when the family is revoked and by the pruning round once the grace is over.
   */
  @Column({
    name: 'sealed_successor',
    type: 'text',
    nullable: true,
    select: false,
  })
  sealedSuccessor!: string | null;

  @Column({ name: 'revoked_at', nullable: true, type: Date })
  revokedAt!: Date | null;

  /** Set by us, to the millisecond: it is compared with the user's "credentials valid after". */
  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;
}

import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
} from 'typeorm';
import { bigintNumber, User } from '../users/user.entity';

/** What a completed challenge hands out: a token pair (/api/login) or a cookie session (/api/session). */
export type SignInPurpose = 'tokens' | 'session';

/**
 * A password sign-in waiting for its second step. The client holds a random token; only its
 * hash is stored, so a database leak gives no one a half-finished sign-in.
 */
@Entity({ name: 'sign_in_challenges' })
export class SignInChallenge {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({
    name: 'token_hash',
    type: 'varchar',
    length: 64,
    unique: true,
    select: false,
  })
  tokenHash!: string;

  @Index()
  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'varchar', length: 16 })
  purpose!: SignInPurpose;

  /** The WebAuthn ceremony whose options were handed out with the challenge, if any. */
  @Column({
    name: 'passkey_ceremony_id',
    type: 'varchar',
    length: 36,
    nullable: true,
  })
  passkeyCeremonyId!: string | null;

  /** Wrong answers so far; the challenge dies at the limit. */
  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  /** Epoch milliseconds. */
  @Index()
  @Column({ name: 'expires_at', type: 'bigint', transformer: bigintNumber() })
  expiresAt!: number;
}

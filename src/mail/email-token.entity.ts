import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
} from 'typeorm';
import { User } from '../users/user.entity';

export const EMAIL_TOKEN_PURPOSES = [
  'email_verification',
  'password_reset',
] as const;
export type EmailTokenPurpose = (typeof EMAIL_TOKEN_PURPOSES)[number];

/**
 * A single-use token carried by an emailed link: only its SHA-256 is stored, bound to one
 * purpose and the address it was sent to, and deleted when used.
 */
@Entity({ name: 'email_tokens' })
export class EmailToken {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'token_hash', type: 'varchar', length: 64, unique: true })
  tokenHash!: string;

  @Index()
  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'varchar', length: 32 })
  purpose!: EmailTokenPurpose;

  /** The address the link went to: a verification confirms this one, not whatever is current. */
  @Column({ type: 'varchar', length: 254 })
  email!: string;

  @Column({ name: 'expires_at', type: Date })
  expiresAt!: Date;

  @CreateDateColumn({ name: 'created_at' })
  createdAt!: Date;
}

import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

export const ROLES = ['user', 'admin'] as const;
export type Role = (typeof ROLES)[number];

@Entity({ name: 'users' })
export class User {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 32, unique: true })
  username!: string;

  @Column({ type: 'varchar', length: 254, unique: true, nullable: true })
  email!: string | null;

  /** When `email` was confirmed by following an emailed link; null while unverified. */
  @Column({ name: 'email_verified_at', type: Date, nullable: true })
  emailVerifiedAt!: Date | null;

  /**
   * An address asked for but not confirmed yet: it replaces `email` once its link is followed.
   * Not unique: of two accounts asking for one address, the first to confirm gets it.
   */
  @Column({
    name: 'pending_email',
    type: 'varchar',
    length: 254,
    nullable: true,
  })
  pendingEmail!: string | null;

  @Column({ name: 'first_name', type: 'varchar', length: 100, nullable: true })
  firstName!: string | null;

  @Column({ name: 'last_name', type: 'varchar', length: 100, nullable: true })
  lastName!: string | null;

  /** Null for an account created by an external sign-in that has not set a password yet. */
  @Column({
    name: 'password_hash',
    type: 'varchar',
    length: 100,
    nullable: true,
    select: false,
  })
  passwordHash!: string | null;

  @Column({ type: 'simple-array' })
  roles!: Role[];

  @Column({ type: 'boolean', default: false })
  disabled!: boolean;

  /**
   * Credentials issued before this instant (epoch milliseconds) are dead are dead (logout everywhere, password change,
   * disable). Kept on the user row so that the lower module holds the state and the token
   * module checks it, rather than users calling up into tokens.
   */
  @Column({
    name: 'tokens_valid_after',
    type: 'bigint',
    default: 0,
    transformer: bigintNumber(),
  })
  tokensValidAfter!: number;

  /** The one credential (an access token's jti or a session's id) that survives `tokensValidAfter`: the caller's own, on a password change. */
  @Column({
    name: 'tokens_valid_after_exempt_id',
    type: 'varchar',
    length: 36,
    nullable: true,
  })
  tokensValidAfterExemptId!: string | null;

  @CreateDateColumn({ name: 'created_at' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt!: Date;
}

/** PostgreSQL returns bigint as a string; epoch seconds fit a JS number exactly. */
export function bigintNumber() {
  return {
    to: (value: number) => value,
    from: (value: string | number | null) =>
      value === null ? value : Number(value),
  };
}

import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  OneToOne,
  PrimaryColumn,
} from 'typeorm';
import { User } from '../../users/user.entity';

/** PostgreSQL hands bigint back as a string; time steps (about 6e7 now) fit a number. */
const bigintAsNumber = {
  to: (value: number | null): number | null => value,
  from: (value: string | number | null): number | null =>
    value === null ? null : Number(value),
};

/**
 * A user's TOTP authenticator: one per user. The secret must be readable to check codes, so it
 * is sealed (AES-256-GCM, totp-secret-seal.ts), never stored in clear.
 */
@Entity({ name: 'totp_factors' })
export class TotpFactor {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @OneToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({
    name: 'sealed_secret',
    type: 'varchar',
    length: 200,
    select: false,
  })
  sealedSecret!: string;

  /** Null while the enrolment waits for its first code. */
  @Column({ name: 'confirmed_at', type: Date, nullable: true })
  confirmedAt!: Date | null;

  /** The time step of the last accepted code: a code of this step or earlier is refused (replay). */
  @Column({
    name: 'last_used_step',
    type: 'bigint',
    nullable: true,
    transformer: bigintAsNumber,
  })
  lastUsedStep!: number | null;

  @CreateDateColumn({ name: 'created_at' })
  createdAt!: Date;
}

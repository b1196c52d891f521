import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { bigintNumber, User } from '../users/user.entity';

/**
 * When a credential (an access token's jti, a session's id) last proved its user present: a
 * sign-in, a second step, a re-authentication. Sensitive actions ask for a recent one.
 */
@Entity({ name: 'recent_authentications' })
export class RecentAuthentication {
  @PrimaryColumn({ name: 'credential_id', type: 'varchar', length: 64 })
  credentialId!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  /** Epoch milliseconds. */
  @Column({
    name: 'authenticated_at',
    type: 'bigint',
    transformer: bigintNumber(),
  })
  authenticatedAt!: number;
}

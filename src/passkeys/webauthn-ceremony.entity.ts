import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
} from 'typeorm';
import { User } from '../users/user.entity';

export type CeremonyPurpose = 'registration' | 'authentication';

/**
 * A challenge handed to a browser, kept until it comes back once (or expires): the server's half
 * of a WebAuthn ceremony. Deleted when used, so a response can never be replayed.
 */
@Entity({ name: 'webauthn_ceremonies' })
export class WebauthnCeremony {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** The user it was issued to; null for a passkey-only sign-in, where nobody is known yet. */
  @Index()
  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId!: string | null;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'varchar', length: 16 })
  purpose!: CeremonyPurpose;

  /** base64url of 32 random bytes. */
  @Column({ type: 'varchar', length: 64 })
  challenge!: string;

  @Index()
  @Column({ name: 'expires_at', type: Date })
  expiresAt!: Date;
}

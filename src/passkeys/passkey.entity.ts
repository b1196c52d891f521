import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { User } from '../users/user.entity';
import { bigintNumber } from '../users/user.entity';

/** A WebAuthn credential (passkey) a user registered: its public key, never a secret. */
@Entity({ name: 'passkeys' })
export class Passkey {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index()
  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  /** base64url of the credential's raw id (at most 1023 bytes by the spec, so 1364 characters). */
  @Index({ unique: true })
  @Column({ name: 'credential_id', type: 'varchar', length: 1364 })
  credentialId!: string;

  /** base64url of the COSE public key, as the authenticator gave it. */
  @Column({ name: 'public_key', type: 'text' })
  publicKey!: string;

  /** The authenticator's signature counter (unsigned 32-bit, so bigint); 0 when it keeps none. */
  @Column({ type: 'bigint', default: 0, transformer: bigintNumber() })
  counter!: number;

  @Column({ type: 'simple-array', nullable: true })
  transports!: string[] | null;

  /** `singleDevice` or `multiDevice` (a synced passkey). */
  @Column({ name: 'device_type', type: 'varchar', length: 16 })
  deviceType!: 'singleDevice' | 'multiDevice';

  @Column({ name: 'backed_up', type: 'boolean', default: false })
  backedUp!: boolean;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'last_used_at', type: Date, nullable: true })
  lastUsedAt!: Date | null;
}

import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { User } from '../../users/user.entity';

/**
 * An account at an external identity provider that signs in as one Gatehouse user. The
 * provider's subject is its stable id for the person (an OIDC `sub`, a GitHub user id), never
 * the email, which the person can change and another account may hold.
 */
@Entity({ name: 'external_identities' })
@Unique(['provider', 'subject'])
export class ExternalIdentity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index()
  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  /** The configured provider's name (`github`, `google`, `corp`). */
  @Column({ type: 'varchar', length: 32 })
  provider!: string;

  @Column({ type: 'varchar', length: 255 })
  subject!: string;

  /** What the provider last said the email was: shown to the person, never used to link. */
  @Column({ type: 'varchar', length: 254, nullable: true })
  email!: string | null;

  @CreateDateColumn({ name: 'created_at' })
  createdAt!: Date;
}

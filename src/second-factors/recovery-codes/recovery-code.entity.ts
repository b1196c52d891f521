import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { User } from '../../users/user.entity';

/** One single-use recovery code; only its keyed hash is kept (recovery-code-format.ts). */
@Entity({ name: 'recovery_codes' })
@Index(['userId', 'codeHash'], { unique: true })
export class RecoveryCode {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  // The unique (user_id, code_hash) index serves lookups by user too.
  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ name: 'code_hash', type: 'varchar', length: 64, select: false })
  codeHash!: string;

  @Column({ name: 'used_at', type: Date, nullable: true })
  usedAt!: Date | null;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;
}

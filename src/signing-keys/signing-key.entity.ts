import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { AsymmetricAlgorithm } from '../config/app-config';

/**
 * One access-token signing key. Keys are numbered: a new key takes the next `generation`, and
 * the unique index lets exactly one of several instances rotating at once insert it. When a
 * key signs is a matter of time (`activates_at`: published from `created_at`, signing from
 * then on until a later generation activates); a revoked key neither signs nor verifies.
 */
@Entity({ name: 'signing_keys' })
export class SigningKey {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  kid!: string;

  @Index({ unique: true })
  @Column({ type: 'integer' })
  generation!: number;

  @Column({ type: 'varchar', length: 16 })
  algorithm!: AsymmetricAlgorithm;

  /** The public JWK as published (kty, crv, x, y), JSON. */
  @Column({ name: 'public_jwk', type: 'text' })
  publicJwk!: string;

  /** PKCS#8 DER sealed with AES-256-GCM under KEYS_SECRET (see key-encryption.ts). */
  @Column({ name: 'private_key', type: 'text', select: false })
  privateKey?: string;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'activates_at', type: Date })
  activatesAt!: Date;

  @Column({ name: 'revoked_at', type: Date, nullable: true })
  revokedAt!: Date | null;
}

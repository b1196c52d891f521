import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** The persisted blacklist: a logged-out access token's id, kept until the token would have expired. */
@Entity({ name: 'revoked_tokens' })
export class RevokedToken {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  jti!: string;

  @Index()
  @Column({ name: 'expires_at', type: Date })
  expiresAt!: Date;
}

import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One thing oidc-provider stores (a grant, a session, an interaction, a code, a refresh token, an
 * opaque access token, a device code…), keyed by its model name and id. The payload stays
 * oidc-provider's own JSON; the columns beside it are copied out of it on write so that the
 * lookups the provider and Gatehouse make (by grant, user code, session uid, account, client,
 * expiry) are indexed queries instead of scans of JSON.
 */
@Entity({ name: 'oauth_records' })
export class OAuthRecord {
  /** oidc-provider's model name; the longest, BackchannelAuthenticationRequest, has 32 characters. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  model!: string;

  /** Opaque ids are 43 base64url characters; room is left for longer formats. */
  @PrimaryColumn({ type: 'varchar', length: 128 })
  id!: string;

  /** JSON text (a grant or session may hold a few KB): `text` on both drivers, no JSON types. */
  @Column({ type: 'text' })
  payload!: string;

  @Index()
  @Column({ name: 'grant_id', type: 'varchar', length: 128, nullable: true })
  grantId!: string | null;

  @Index()
  @Column({ name: 'user_code', type: 'varchar', length: 128, nullable: true })
  userCode!: string | null;

  @Index()
  @Column({ type: 'varchar', length: 128, nullable: true })
  uid!: string | null;

  @Index()
  @Column({ name: 'account_id', type: 'varchar', length: 128, nullable: true })
  accountId!: string | null;

  @Index()
  @Column({ name: 'client_id', type: 'varchar', length: 128, nullable: true })
  clientId!: string | null;

  /** Null when oidc-provider gave no lifetime: such a row is never pruned. */
  @Index()
  @Column({ name: 'expires_at', type: Date, nullable: true })
  expiresAt!: Date | null;

  @Column({ name: 'consumed_at', type: Date, nullable: true })
  consumedAt!: Date | null;
}

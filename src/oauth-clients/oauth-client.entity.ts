import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { TokenEndpointAuthMethod } from './oauth-client-policy';

/**
 * An OAuth client registered by an admin, with its RFC 7591 metadata. Only the SHA-256 of a
 * confidential client's secret is kept; a public client (`none`) has none.
 */
@Entity({ name: 'oauth_clients' })
export class OAuthClient {
  @PrimaryColumn({ name: 'client_id', type: 'varchar', length: 64 })
  clientId!: string;

  @Column({ name: 'client_name', type: 'varchar', length: 100 })
  clientName!: string;

  @Column({ name: 'redirect_uris', type: 'simple-json' })
  redirectUris!: string[];

  @Column({ name: 'post_logout_redirect_uris', type: 'simple-json' })
  postLogoutRedirectUris!: string[];

  @Column({ name: 'grant_types', type: 'simple-json' })
  grantTypes!: string[];

  /** Space separated, as on the wire. */
  @Column({ type: 'varchar', length: 500 })
  scope!: string;

  @Column({ name: 'token_endpoint_auth_method', type: 'varchar', length: 32 })
  tokenEndpointAuthMethod!: TokenEndpointAuthMethod;

  /** Hex SHA-256 of the secret; null for a public client. */
  @Column({
    name: 'secret_hash',
    type: 'varchar',
    length: 64,
    nullable: true,
    select: false,
  })
  secretHash?: string | null;

  @Column({ type: 'boolean', default: false })
  disabled!: boolean;

  @CreateDateColumn({ name: 'created_at' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt!: Date;

  /** The admin who registered it; not a foreign key, so the client outlives that account. */
  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;
}

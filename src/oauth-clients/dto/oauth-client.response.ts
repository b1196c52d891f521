import { ApiProperty } from '@nestjs/swagger';
import {
  OAUTH_GRANT_TYPES,
  TOKEN_ENDPOINT_AUTH_METHODS,
} from '../oauth-client-policy';
import type { OAuthClient } from '../oauth-client.entity';

/** A client's registration (RFC 7591 names) as read and listed: never its secret or its hash. */
export class OAuthClientResponse {
  @ApiProperty({ example: 'gh_Q2xpZW50IGlkIGV4YW1wbGU' }) client_id!: string;
  @ApiProperty({
    example: 1796000000,
    description: 'When it was registered, epoch seconds',
  })
  client_id_issued_at!: number;
  @ApiProperty({ example: 'Reporting dashboard' }) client_name!: string;
  @ApiProperty({ example: ['https://dashboard.example.com/callback'] })
  redirect_uris!: string[];
  @ApiProperty({ example: [] }) post_logout_redirect_uris!: string[];
  @ApiProperty({ enum: OAUTH_GRANT_TYPES, isArray: true })
  grant_types!: string[];
  @ApiProperty({ example: 'openid profile' }) scope!: string;
  @ApiProperty({ enum: TOKEN_ENDPOINT_AUTH_METHODS })
  token_endpoint_auth_method!: string;
  @ApiProperty({
    description: 'Public (`none`, PKCE required) or confidential (a secret)',
    enum: ['public', 'confidential'],
  })
  client_type!: 'public' | 'confidential';
  @ApiProperty() disabled!: boolean;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The id of the admin who registered it',
  })
  created_by!: string | null;
}

/** The answer to a registration or a rotation: the only times a secret is ever shown. */
export class OAuthClientWithSecretResponse extends OAuthClientResponse {
  @ApiProperty({
    required: false,
    description:
      'Confidential clients only. Shown this once: store it now. Gatehouse keeps only its SHA-256.',
  })
  client_secret?: string;
  @ApiProperty({
    required: false,
    example: 0,
    description: 'Confidential clients only: 0, the secret does not expire',
  })
  client_secret_expires_at?: number;
}

export class OAuthClientList {
  @ApiProperty({ type: OAuthClientResponse, isArray: true })
  items!: OAuthClientResponse[];
}

export function toOAuthClientResponse(
  client: OAuthClient,
): OAuthClientResponse {
  return {
    client_id: client.clientId,
    client_id_issued_at: Math.floor(client.createdAt.getTime() / 1000),
    client_name: client.clientName,
    redirect_uris: [...client.redirectUris],
    post_logout_redirect_uris: [...client.postLogoutRedirectUris],
    grant_types: [...client.grantTypes],
    scope: client.scope,
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    client_type:
      client.tokenEndpointAuthMethod === 'none' ? 'public' : 'confidential',
    disabled: client.disabled,
    created_at: client.createdAt.toISOString(),
    updated_at: client.updatedAt.toISOString(),
    created_by: client.createdBy,
  };
}

export function toOAuthClientWithSecretResponse(
  client: OAuthClient,
  secret: string | null,
): OAuthClientWithSecretResponse {
  return {
    ...toOAuthClientResponse(client),
    ...(secret !== null && {
      client_secret: secret,
      client_secret_expires_at: 0,
    }),
  };
}

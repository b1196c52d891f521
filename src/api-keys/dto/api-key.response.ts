import { ApiProperty } from '@nestjs/swagger';
import type { ApiKey } from '../api-key.entity';

/** A key as listed: never its secret. */
export class ApiKeyResponse {
  @ApiProperty({ example: 'k3x9a0b2' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({
    example: 'gkey_k3x9a0b2',
    description: 'The start of the key, to recognise it',
  })
  prefix!: string;
  @ApiProperty({ example: ['data:read'] }) scopes!: string[];
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  expires_at!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  last_used_at!: string | null;
}

/** The answer to a creation: the only time the full key is ever shown. */
export class CreatedApiKeyResponse {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({
    example: 'gkey_k3x9a0b2_…',
    description: 'Shown once: store it now',
  })
  key!: string;
  @ApiProperty() prefix!: string;
  @ApiProperty() scopes!: string[];
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  expires_at!: string | null;
}

export function toApiKeyResponse(apiKey: ApiKey): ApiKeyResponse {
  return {
    id: apiKey.id,
    name: apiKey.name,
    prefix: `gkey_${apiKey.id}`,
    scopes: [...apiKey.scopes],
    created_at: apiKey.createdAt.toISOString(),
    expires_at: apiKey.expiresAt?.toISOString() ?? null,
    last_used_at: apiKey.lastUsedAt?.toISOString() ?? null,
  };
}

export function toCreatedApiKeyResponse(
  apiKey: ApiKey,
  key: string,
): CreatedApiKeyResponse {
  return {
    id: apiKey.id,
    name: apiKey.name,
    key,
    prefix: `gkey_${apiKey.id}`,
    scopes: [...apiKey.scopes],
    created_at: apiKey.createdAt.toISOString(),
    expires_at: apiKey.expiresAt?.toISOString() ?? null,
  };
}

import { ApiProperty } from '@nestjs/swagger';
import type { SigningKeyView } from '../signing-keys.service';

const STATES = ['next', 'active', 'retired', 'expired', 'revoked'];

/** A signing key as an admin sees it: never its private part. */
export class SigningKeyResponse {
  @ApiProperty({ description: 'RFC 7638 thumbprint, the JWS `kid`' })
  kid!: string;
  @ApiProperty({ enum: ['ES256', 'EdDSA'] }) algorithm!: string;
  @ApiProperty({
    enum: STATES,
    description:
      'next: published, signs from activates_at; active: signs; retired: still verifies tokens it signed; expired: verifies nothing; revoked: refused at once',
  })
  state!: string;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) activates_at!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  retired_at!: string | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Until when a retired key stays in the JWKS',
  })
  published_until!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  revoked_at!: string | null;
}

export function toSigningKeyResponse(key: SigningKeyView): SigningKeyResponse {
  return {
    kid: key.kid,
    algorithm: key.algorithm,
    state: key.state,
    created_at: key.createdAt.toISOString(),
    activates_at: key.activatesAt.toISOString(),
    retired_at: key.retiredAt?.toISOString() ?? null,
    published_until: key.publishedUntil?.toISOString() ?? null,
    revoked_at: key.revokedAt?.toISOString() ?? null,
  };
}

export class SigningKeyEnvelope {
  @ApiProperty({ type: SigningKeyResponse }) key!: SigningKeyResponse;
}

export class SigningKeyList {
  @ApiProperty({ type: SigningKeyResponse, isArray: true })
  items!: SigningKeyResponse[];
}

export class JwkResponse {
  @ApiProperty({ enum: ['EC', 'OKP'] }) kty!: string;
  @ApiProperty({ enum: ['P-256', 'Ed25519'] }) crv!: string;
  @ApiProperty() x!: string;
  @ApiProperty({ required: false, description: 'EC keys only' }) y?: string;
  @ApiProperty() kid!: string;
  @ApiProperty({ enum: ['ES256', 'EdDSA'] }) alg!: string;
  @ApiProperty({ enum: ['sig'] }) use!: string;
}

export class JwksResponse {
  @ApiProperty({
    type: JwkResponse,
    isArray: true,
    description:
      'The public keys that may verify a live access token; empty under JWT_ALGORITHM=HS256',
  })
  keys!: JwkResponse[];
}

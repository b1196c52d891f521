import { ApiProperty } from '@nestjs/swagger';
import type { Passkey } from '../passkey.entity';

/** A passkey as its owner sees it: never its public key or credential id. */
export class PasskeyResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Laptop' }) name!: string;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  last_used_at!: string | null;
  @ApiProperty({
    description:
      'Whether the authenticator says the passkey is backed up (synced)',
  })
  backed_up!: boolean;
  @ApiProperty({
    enum: ['singleDevice', 'multiDevice'],
    description: 'multiDevice: a passkey that can sync to other devices',
  })
  device_type!: 'singleDevice' | 'multiDevice';
}

export class RegistrationOptionsResponse {
  @ApiProperty({
    format: 'uuid',
    description: 'Send back with the credential; single use, valid 5 minutes',
  })
  ceremony_id!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'PublicKeyCredentialCreationOptionsJSON: pass to startRegistration() of @simplewebauthn/browser (or PublicKeyCredential.parseCreationOptionsFromJSON)',
  })
  options!: object;
}

export function toPasskeyResponse(passkey: Passkey): PasskeyResponse {
  return {
    id: passkey.id,
    name: passkey.name,
    created_at: passkey.createdAt.toISOString(),
    last_used_at: passkey.lastUsedAt?.toISOString() ?? null,
    backed_up: passkey.backedUp,
    device_type: passkey.deviceType,
  };
}

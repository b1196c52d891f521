import { ApiProperty } from '@nestjs/swagger';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';

export class SecondFactorRequiredResponse {
  @ApiProperty({ enum: [true] }) second_factor_required!: true;
  @ApiProperty({
    description:
      'Single-use, for POST /api/login/second-factor (or /api/session/second-factor)',
  })
  challenge_token!: string;
  @ApiProperty({ example: 300 }) expires_in!: number;
  @ApiProperty({
    enum: ['totp', 'recovery_code', 'passkey'],
    isArray: true,
    description: 'What this account can answer with',
  })
  methods!: ('totp' | 'recovery_code' | 'passkey')[];
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description:
      "PublicKeyCredentialRequestOptionsJSON for the account's passkeys (for navigator.credentials.get), or null",
  })
  passkey_options!: PublicKeyCredentialRequestOptionsJSON | null;
}

export class PasskeyOptionsResponse {
  @ApiProperty({
    format: 'uuid',
    description: 'Send it back with the credential',
  })
  ceremony_id!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'PublicKeyCredentialRequestOptionsJSON (5 minutes, single-use)',
  })
  options!: PublicKeyCredentialRequestOptionsJSON;
}

export class UserSecondFactorsResponse {
  @ApiProperty({ description: 'A confirmed TOTP authenticator' })
  totp!: boolean;
  @ApiProperty({ example: 1 }) passkeys!: number;
  @ApiProperty({ example: 10, description: 'Unused recovery codes' })
  recovery_codes!: number;
}

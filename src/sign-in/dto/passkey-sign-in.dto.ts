import { ApiProperty } from '@nestjs/swagger';
import { IsObject, IsUUID } from 'class-validator';

export class PasskeySignInDto {
  @ApiProperty({
    format: 'uuid',
    description: 'From POST /api/passkeys/authentication-options',
  })
  @IsUUID('all', { message: 'ceremony_id must be a UUID' })
  ceremony_id!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'The AuthenticationResponseJSON of navigator.credentials.get()',
  })
  @IsObject({ message: 'credential must be an object' })
  credential!: Record<string, unknown>;
}

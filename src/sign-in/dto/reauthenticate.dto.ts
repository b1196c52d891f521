import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { FactorAnswerDto } from './second-step.dto';

/** Exactly one of password, code, recovery_code or passkey (with its ceremony_id). */
export class ReauthenticateDto extends FactorAnswerDto {
  @ApiPropertyOptional({ example: 'correct horse battery staple' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  password?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'With passkey: from POST /api/auth/reauthenticate/passkey-options',
  })
  @IsOptional()
  @IsUUID('all', { message: 'ceremony_id must be a UUID' })
  ceremony_id?: string;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
} from 'class-validator';
import { unlessMissing } from '../../common/http/required-field';

/** The factors a second step or a re-authentication may carry; exactly one is sent. */
export class FactorAnswerDto {
  @ApiPropertyOptional({
    example: '123456',
    description:
      'A code of the authenticator app (a recovery code is accepted here too)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  code?: string;

  @ApiPropertyOptional({ example: 'k3m9p-2xq7d' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  recovery_code?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'The AuthenticationResponseJSON of navigator.credentials.get() for the passkey_options handed out',
  })
  @IsOptional()
  @IsObject()
  passkey?: Record<string, unknown>;
}

export class SecondStepDto extends FactorAnswerDto {
  @ApiProperty({ description: 'From the answer of /api/login or /api/session' })
  @IsString({ message: unlessMissing('must be a string') })
  @MinLength(1, { message: unlessMissing('must not be empty') })
  @MaxLength(128, { message: unlessMissing('must be at most 128 characters') })
  challenge_token!: string;
}

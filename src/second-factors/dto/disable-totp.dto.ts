import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

export class DisableTotpDto {
  @ApiPropertyOptional({
    description:
      'The account’s password; required when the account has one (an account without a password needs a fresh sign-in instead)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  password?: string;

  @ApiProperty({
    example: '123456',
    description:
      'A code from the authenticator app, or an unused recovery code',
  })
  @IsString()
  @MaxLength(64)
  code!: string;
}

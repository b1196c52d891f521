import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

export class StartExternalSignInDto {
  @ApiPropertyOptional({
    example: '/authorize/abc123',
    description:
      'The console path to land on once signed in (default /profile): one leading "/", not "//", not /api',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  next?: string;

  @ApiPropertyOptional({
    enum: ['1'],
    description:
      'Link the identity to the account of the console session instead of signing in',
  })
  @IsOptional()
  @IsIn(['1'])
  link?: '1';
}

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

  @ApiPropertyOptional({
    description:
      "With link=1: the console session's CSRF token (a link changes the account, so it is not started by the cookie alone)",
  })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  csrf?: string;
}

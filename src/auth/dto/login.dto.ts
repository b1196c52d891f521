import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/** Optional because the same credentials may come in an `Authorization: Basic` header instead. */
export class LoginDto {
  @ApiPropertyOptional({ example: 'alice' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  username?: string;

  @ApiPropertyOptional({ example: 'correct horse battery staple' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  password?: string;
}

import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { unlessMissing } from '../../common/http/required-field';

/** Optional because the same credentials may come in an `Authorization: Basic` header instead. */
export class LoginDto {
  @ApiPropertyOptional({ example: 'alice' })
  @IsOptional()
  @IsString({ message: unlessMissing('must be a string') })
  @MaxLength(256, { message: unlessMissing('must be at most 256 characters') })
  username?: string;

  @ApiPropertyOptional({ example: 'correct horse battery staple' })
  @IsOptional()
  @IsString({ message: unlessMissing('must be a string') })
  @MaxLength(1024, {
    message: unlessMissing('must be at most 1024 characters'),
  })
  password?: string;
}

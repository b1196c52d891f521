import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsEmail,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import {
  IsPassword,
  PASSWORD_MAX_BYTES,
  PASSWORD_MIN_LENGTH,
} from '../../users/password';
import { unlessMissing } from '../../common/http/required-field';
import { normalizeUsername, USERNAME_PATTERN } from '../../users/username';

const normalize = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? normalizeUsername(value) : value;
const trim = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim() : value;

export class RegisterDto {
  @ApiProperty({
    example: 'alice',
    description: '3–32 of a-z 0-9 . _ - after trimming, NFKC and lower-casing',
  })
  @Transform(normalize)
  @IsString({ message: unlessMissing('must be a string') })
  @Matches(USERNAME_PATTERN, {
    message: unlessMissing(
      'must be 3 to 32 characters of a-z, 0-9, ".", "_" or "-"',
    ),
  })
  username!: string;

  @ApiProperty({
    minLength: PASSWORD_MIN_LENGTH,
    description: `at most ${PASSWORD_MAX_BYTES} bytes (UTF-8)`,
  })
  @IsPassword()
  password!: string;

  @ApiPropertyOptional({ example: 'alice@example.com' })
  @IsOptional()
  @Transform(trim)
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(100)
  first_name?: string;

  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(100)
  last_name?: string;
}

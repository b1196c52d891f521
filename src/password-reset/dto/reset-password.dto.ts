import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { unlessMissing } from '../../common/http/required-field';
import {
  IsPassword,
  PASSWORD_MAX_BYTES,
  PASSWORD_MIN_LENGTH,
} from '../../users/password';

export class ResetPasswordDto {
  @ApiProperty({
    description: 'The token from the emailed link (`/reset-password#token=…`)',
  })
  @IsString({ message: unlessMissing('must be a string') })
  @MaxLength(200)
  token!: string;

  @ApiProperty({
    minLength: PASSWORD_MIN_LENGTH,
    description: `at most ${PASSWORD_MAX_BYTES} bytes (UTF-8)`,
  })
  @IsPassword()
  new_password!: string;
}

import { ApiProperty } from '@nestjs/swagger';
import {
  IsPassword,
  PASSWORD_MAX_BYTES,
  PASSWORD_MIN_LENGTH,
} from '../../../users/password';

export class SetPasswordDto {
  @ApiProperty({
    minLength: PASSWORD_MIN_LENGTH,
    description: `at most ${PASSWORD_MAX_BYTES} bytes (UTF-8)`,
  })
  @IsPassword()
  password!: string;
}

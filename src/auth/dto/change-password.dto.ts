import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { IsPassword } from '../../users/password';

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @MaxLength(1024)
  current_password!: string;

  @ApiProperty({ minLength: 8, description: 'at most 72 bytes (UTF-8)' })
  @IsPassword()
  new_password!: string;
}

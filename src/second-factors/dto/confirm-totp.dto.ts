import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

export class ConfirmTotpDto {
  @ApiProperty({
    example: '123456',
    description: 'The 6-digit code the authenticator app shows now',
  })
  @IsString()
  @MaxLength(64)
  code!: string;
}

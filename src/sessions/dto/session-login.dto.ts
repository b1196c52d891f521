import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { unlessMissing } from '../../common/http/required-field';

export class SessionLoginDto {
  @ApiProperty({ example: 'alice' })
  @IsString({ message: unlessMissing('must be a string') })
  @MaxLength(256, { message: unlessMissing('must be at most 256 characters') })
  username!: string;

  @ApiProperty({ example: 'correct horse battery staple' })
  @IsString({ message: unlessMissing('must be a string') })
  @MaxLength(1024, {
    message: unlessMissing('must be at most 1024 characters'),
  })
  password!: string;
}

import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

export class SessionLoginDto {
  @ApiProperty({ example: 'alice' })
  @IsString()
  @MaxLength(256)
  username!: string;

  @ApiProperty({ example: 'correct horse battery staple' })
  @IsString()
  @MaxLength(1024)
  password!: string;
}

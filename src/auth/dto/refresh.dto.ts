import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

export class RefreshDto {
  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  refresh_token!: string;
}

export class LogoutDto {
  @ApiPropertyOptional({
    description: 'Also revoke this refresh token and every token of its family',
  })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  refresh_token?: string;
}

import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, MaxLength } from 'class-validator';
import { unlessMissing } from '../../common/http/required-field';

const trim = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim() : value;

export class ResendVerificationDto {
  @ApiProperty({ example: 'alice@example.com' })
  @Transform(trim)
  @IsEmail({}, { message: unlessMissing('must be an email address') })
  @MaxLength(254)
  email!: string;
}

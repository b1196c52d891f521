import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { unlessMissing } from '../../common/http/required-field';

export class VerifyEmailDto {
  @ApiProperty({
    description: 'The token from the emailed link (`/verify-email#token=…`)',
  })
  @IsString({ message: unlessMissing('must be a string') })
  @MaxLength(200)
  token!: string;
}

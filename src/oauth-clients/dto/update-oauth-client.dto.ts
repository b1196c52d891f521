import { ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { CreateOAuthClientDto } from './create-oauth-client.dto';

/** Any of the registration's fields (the result is checked as a whole), and `disabled`. */
export class UpdateOAuthClientDto extends PartialType(CreateOAuthClientDto) {
  @ApiPropertyOptional({
    description:
      'true stops the client at once: its tokens are refused and it can get no more; false lets it start again',
  })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}

import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/http/page-query.dto';

export class ListUsersDto extends PageQueryDto {
  @ApiPropertyOptional({
    description:
      'Only users whose username, email, first or last name contains this text (any case)',
    maxLength: 100,
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  search?: string;
}

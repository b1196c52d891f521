import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
} from 'class-validator';
import { ROLES, type Role } from '../user.entity';

export class UpdateUserDto {
  @ApiPropertyOptional({
    enum: ROLES,
    isArray: true,
    description: '`user` is always kept',
  })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(ROLES, {
    each: true,
    message: `roles must each be one of: ${ROLES.join(', ')}`,
  })
  roles?: Role[];

  @ApiPropertyOptional({
    description:
      'true revokes every token, refresh token and session the user holds',
  })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}

import {
  ApiHideProperty,
  ApiPropertyOptional,
  IntersectionType,
} from '@nestjs/swagger';
import {
  IsOptional,
  IsString,
  IsUUID,
  ValidateBy,
  type ValidationOptions,
} from 'class-validator';
import { PageQueryDto } from '../../common/http/page-query.dto';
import { isDay } from '../usage-range';

function IsDay(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isDay',
      validator: {
        validate: (value) => isDay(value),
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be a date as YYYY-MM-DD`,
      },
    },
    options,
  );
}

/** Both ends inclusive, UTC days. */
export class UsageRangeDto {
  @ApiPropertyOptional({
    format: 'date',
    example: '2025-01-01',
    description: 'First day (UTC); default: 29 days before `to`',
  })
  @IsOptional()
  @IsDay()
  from?: string;

  @ApiPropertyOptional({
    format: 'date',
    example: '2025-01-30',
    description:
      'Last day (UTC), inclusive; default: today. At most 366 days after `from`.',
  })
  @IsOptional()
  @IsDay()
  to?: string;
}

export class ProfileUsageDto extends UsageRangeDto {
  /** The key may come as `?api_key=` (the guard reads it); without this the whitelist refuses it. */
  @ApiHideProperty()
  @IsOptional()
  @IsString()
  api_key?: string;
}

export class ListUsageDto extends IntersectionType(
  UsageRangeDto,
  PageQueryDto,
) {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Only this user',
  })
  @IsOptional()
  @IsUUID()
  user_id?: string;
}

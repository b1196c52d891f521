import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { SCOPE_PATTERN } from '../../auth/scopes';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'reporting script', maxLength: 100 })
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim() : value,
  )
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({
    example: ['data:read'],
    description:
      'What the key may do, as `resource:action` scopes; `*` (the default) is everything its user may do',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @Matches(SCOPE_PATTERN, {
    each: true,
    message: 'scopes must each be "*" or look like resource:action',
  })
  scopes?: string[];

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 3650,
    description: 'no expiry when absent',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  expires_in_days?: number;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
} from 'class-validator';

export class RegisterPasskeyDto {
  @ApiProperty({ format: 'uuid', description: 'From registration-options' })
  @IsUUID()
  ceremony_id!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'RegistrationResponseJSON: what startRegistration() of @simplewebauthn/browser (or credential.toJSON()) returns',
  })
  @IsObject()
  credential!: Record<string, unknown>;

  @ApiPropertyOptional({
    example: 'Laptop',
    maxLength: 100,
    description: '"Passkey N" when absent',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim() : value,
  )
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name?: string;
}

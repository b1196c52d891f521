import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The shape of every error answer (see AllExceptionsFilter), for the OpenAPI document. */
export class ErrorResponse {
  @ApiProperty({ example: 400 })
  statusCode!: number;

  @ApiProperty({
    example: 'Bad Request',
    description: 'The status’s reason phrase',
  })
  error!: string;

  @ApiProperty({
    example: 'password is required: send it as a string in a JSON or form body',
    description: 'What is wrong and, where it can, what to send instead',
  })
  message!: string;

  @ApiPropertyOptional({
    example: 'reauthentication_required',
    description:
      'Present where a client must act on the cause: `reauthentication_required` (403) means ' +
      'POST /api/auth/reauthenticate, then retry',
  })
  reason?: string;
}

/** The 400 of the routes that take a username and password in the body. */
export const CREDENTIALS_BAD_REQUEST = {
  type: ErrorResponse,
  description:
    'A field is missing or not a string ("password is required: send it as a string in a JSON or form body"), ' +
    'the body is not valid JSON, is JSON sent as a form, or nests objects or arrays more than 32 levels deep',
};

export const UNSUPPORTED_MEDIA_TYPE = {
  type: ErrorResponse,
  description:
    'Content-Type must be application/json or application/x-www-form-urlencoded',
};

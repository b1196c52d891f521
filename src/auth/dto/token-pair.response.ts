import { ApiProperty } from '@nestjs/swagger';
import { UserResponse } from '../../users/dto/user.response';

export class TokenPairResponse {
  @ApiProperty({ description: 'JWT, valid for expires_in seconds' })
  access_token!: string;
  @ApiProperty({
    description:
      'Opaque and single-use: POST it to /api/refresh for a new pair',
  })
  refresh_token!: string;
  @ApiProperty({ example: 'Bearer' }) token_type!: 'Bearer';
  @ApiProperty({ example: 900 }) expires_in!: number;
}

export class RegisteredResponse extends TokenPairResponse {
  @ApiProperty({ type: UserResponse }) user!: UserResponse;
}

/** POST /api/register under REQUIRE_VERIFIED_EMAIL: no tokens until the email is verified. */
export class UnverifiedRegistrationResponse {
  @ApiProperty({ type: UserResponse }) user!: UserResponse;
  @ApiProperty({
    example:
      'Follow the link sent to alice@example.com to verify it, then sign in',
  })
  message!: string;
}

import { ApiProperty } from '@nestjs/swagger';
import type { ExternalIdentity } from '../external-identity.entity';

/** A linked identity as listed: never the provider's subject nor any token. */
export class IdentityResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'github' }) provider!: string;
  @ApiProperty({ example: 'GitHub' }) display_name!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'octocat@example.com',
    description: 'What the provider last said the email was',
  })
  email!: string | null;
  @ApiProperty({ format: 'date-time' }) linked_at!: string;
}

export class IdentitiesResponse {
  @ApiProperty({ type: IdentityResponse, isArray: true })
  identities!: IdentityResponse[];
  @ApiProperty({
    description:
      'Whether the account can also sign in with its password; an account created by an external sign-in has none until it sets one',
  })
  has_password!: boolean;
}

export function toIdentityResponse(
  identity: ExternalIdentity,
  displayName: (provider: string) => string,
): IdentityResponse {
  return {
    id: identity.id,
    provider: identity.provider,
    display_name: displayName(identity.provider),
    email: identity.email,
    linked_at: identity.createdAt.toISOString(),
  };
}

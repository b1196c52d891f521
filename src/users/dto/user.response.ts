import { ApiProperty } from '@nestjs/swagger';
import { ROLES, type Role, type User } from '../user.entity';

/** The wire shape of a user: never a hash, whatever the entity holds. */
export class UserResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'alice' }) username!: string;
  @ApiProperty({ type: String, nullable: true, example: 'alice@example.com' })
  email!: string | null;
  @ApiProperty({
    description:
      'Whether `email` was confirmed by following the link mailed to it; false without an email',
  })
  email_verified!: boolean;
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'An address asked for and not confirmed yet: it replaces `email` once its link is followed',
  })
  pending_email!: string | null;
  @ApiProperty({ type: String, nullable: true }) first_name!: string | null;
  @ApiProperty({ type: String, nullable: true }) last_name!: string | null;
  @ApiProperty({ enum: ROLES, isArray: true }) roles!: Role[];
  @ApiProperty() disabled!: boolean;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
}

export function toUserResponse(user: User): UserResponse {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    email_verified: user.email !== null && user.emailVerifiedAt !== null,
    pending_email: user.pendingEmail,
    first_name: user.firstName,
    last_name: user.lastName,
    roles: [...user.roles],
    disabled: user.disabled,
    created_at: user.createdAt.toISOString(),
    updated_at: user.updatedAt.toISOString(),
  };
}

export class UserEnvelope {
  @ApiProperty({ type: UserResponse }) user!: UserResponse;
}

export class UserPage {
  @ApiProperty({ type: UserResponse, isArray: true }) items!: UserResponse[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() limit!: number;
}

import {
  Body,
  Controller,
  Get,
  HttpCode,
  Ip,
  Patch,
  Post,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { ErrorResponse } from '../common/http/error.response';
import { EmailVerificationService } from '../email-verification/email-verification.service';
import { FreshAuthService } from '../fresh-auth/fresh-auth.service';
import { toUserResponse, UserEnvelope } from '../users/dto/user.response';
import { UsersService } from '../users/users.service';
import { AuthService } from './auth.service';
import type { AuthenticatedUser } from './authenticated-user';
import { Auth } from './decorators/auth.decorator';
import { CurrentUser } from './decorators/current-user.decorator';
import { Scopes } from './decorators/scopes.decorator';
import { ChangePasswordDto } from './dto/change-password.dto';
import { UpdateProfileDto } from './dto/update-profile.dto';

/** The signed-in user's own account: the "dashboard". */
@ApiTags('profile')
@Controller('profile')
export class ProfileController {
  constructor(
    private readonly users: UsersService,
    private readonly auth: AuthService,
    private readonly emailVerification: EmailVerificationService,
    private readonly freshAuth: FreshAuthService,
  ) {}

  @Get()
  @Auth('jwt', 'session', 'basic', 'api-key', 'oauth')
  @Scopes('profile:read')
  @ApiOkResponse({ type: UserEnvelope })
  async get(@CurrentUser() user: AuthenticatedUser): Promise<UserEnvelope> {
    return { user: toUserResponse(await this.users.getById(user.id)) };
  }

  @Patch()
  @Auth('jwt', 'session')
  @ApiOkResponse({
    type: UserEnvelope,
    description:
      'With email verification on (EMAIL_VERIFICATION), a new email waits as pending_email until the link mailed to it is followed (email is unchanged meanwhile); null removes the email at once',
  })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description:
      'A field is invalid; or email null while REQUIRE_VERIFIED_EMAIL is on',
  })
  @ApiConflictResponse({
    type: ErrorResponse,
    description: 'Another account holds this email address',
  })
  @ApiForbiddenResponse({
    type: ErrorResponse,
    description:
      'Changing or removing the email needs a sign-in within FRESH_AUTH_WINDOW: reason reauthentication_required (POST /api/auth/reauthenticate, then retry)',
  })
  @ApiTooManyRequestsResponse({
    type: ErrorResponse,
    description:
      'Too many verification links for this address or from this client (RATE_LIMIT_MAIL_PER_ADDRESS, RATE_LIMIT_MAIL_PER_IP)',
  })
  async update(
    @CurrentUser() user: AuthenticatedUser,
    @Body() dto: UpdateProfileDto,
    @Ip() ip: string,
  ): Promise<UserEnvelope> {
    if (dto.email !== undefined) {
      const current = await this.users.getById(user.id);
      // The email is where a password reset goes: a stolen session must not redirect it.
      if ((dto.email?.toLowerCase() ?? null) !== current.email) {
        await this.freshAuth.assertFresh(user);
      }
    }
    const deferEmail =
      this.emailVerification.enabled &&
      dto.email !== undefined &&
      dto.email !== null;
    // The email first: a 409 for it changes nothing else.
    if (deferEmail && dto.email) {
      await this.emailVerification.requestChange(user.id, dto.email, ip);
    }
    const updated = await this.users.updateProfile(user.id, {
      email: deferEmail ? undefined : dto.email,
      firstName: dto.first_name,
      lastName: dto.last_name,
    });
    return { user: toUserResponse(updated) };
  }

  @Post('password')
  @Auth('jwt', 'session')
  @HttpCode(204)
  @ApiNoContentResponse({
    description:
      'Changed; every other token and session of the user is revoked',
  })
  changePassword(
    @CurrentUser() user: AuthenticatedUser,
    @Body() dto: ChangePasswordDto,
  ): Promise<void> {
    return this.auth.changePassword(
      user,
      dto.current_password,
      dto.new_password,
    );
  }
}

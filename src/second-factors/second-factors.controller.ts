import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { Auth } from '../auth/decorators/auth.decorator';
import { CurrentUser } from '../auth/decorators/current-user.decorator';
import { ErrorResponse } from '../common/http/error.response';
import { ConfirmTotpDto } from './dto/confirm-totp.dto';
import { DisableTotpDto } from './dto/disable-totp.dto';
import {
  RecoveryCodesResponse,
  SecondFactorsResponse,
  toSecondFactorsResponse,
  toTotpEnrolmentResponse,
  TotpEnrolmentResponse,
} from './dto/second-factors.response';
import { SecondFactorsService } from './second-factors.service';

const REAUTHENTICATION_REQUIRED = {
  type: ErrorResponse,
  description:
    'The credential was not signed in within FRESH_AUTH_WINDOW: the body also carries `"reason": "reauthentication_required"`; POST /api/auth/reauthenticate, then retry',
};

/** The signed-in user's own TOTP authenticator and recovery codes. */
@ApiTags('second factors')
@Controller('second-factors')
@Auth('jwt', 'session')
export class SecondFactorsController {
  constructor(private readonly secondFactors: SecondFactorsService) {}

  @Get()
  @ApiOperation({ summary: 'Which second factors the account has' })
  @ApiOkResponse({ type: SecondFactorsResponse })
  async status(
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<SecondFactorsResponse> {
    return toSecondFactorsResponse(await this.secondFactors.status(user.id));
  }

  @Post('totp')
  @ApiOperation({
    summary: 'Start a TOTP enrolment',
    description:
      'Answers a new secret as text, otpauth URI and QR code. TOTP is on only once POST /api/second-factors/totp/confirm gets a first code; starting again replaces an unconfirmed secret. Needs a fresh sign-in.',
  })
  @ApiCreatedResponse({ type: TotpEnrolmentResponse })
  @ApiForbiddenResponse(REAUTHENTICATION_REQUIRED)
  @ApiConflictResponse({
    type: ErrorResponse,
    description: 'TOTP is already on: turn it off first',
  })
  async enrol(
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<TotpEnrolmentResponse> {
    return toTotpEnrolmentResponse(await this.secondFactors.enrolTotp(user));
  }

  @Post('totp/confirm')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Turn TOTP on with the enrolment’s first code',
    description:
      'Answers ten recovery codes, shown this once; any earlier recovery codes stop working.',
  })
  @ApiOkResponse({ type: RecoveryCodesResponse })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: '"code is incorrect": nothing was turned on',
  })
  @ApiConflictResponse({
    type: ErrorResponse,
    description: 'No enrolment is in progress, or TOTP is already on',
  })
  async confirm(
    @CurrentUser() user: AuthenticatedUser,
    @Body() dto: ConfirmTotpDto,
  ): Promise<RecoveryCodesResponse> {
    return {
      recovery_codes: await this.secondFactors.confirmTotp(user, dto.code),
    };
  }

  @Delete('totp')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Turn TOTP off',
    description:
      'Takes the password and a TOTP or recovery code (an account without a password sends only the code, and needs a fresh sign-in). The recovery codes go too. Wrong passwords and codes count against the login lockout.',
  })
  @ApiNoContentResponse({ description: 'TOTP and recovery codes are gone' })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: 'The account has a password and none was sent',
  })
  @ApiForbiddenResponse({
    type: ErrorResponse,
    description:
      '"password is incorrect" or "code is incorrect"; or, for an account without a password, re-authentication is required',
  })
  @ApiConflictResponse({
    type: ErrorResponse,
    description: 'TOTP is not on',
  })
  @ApiTooManyRequestsResponse({
    type: ErrorResponse,
    description: 'Too many wrong passwords or codes: see Retry-After',
  })
  async disable(
    @CurrentUser() user: AuthenticatedUser,
    @Body() dto: DisableTotpDto,
  ): Promise<void> {
    await this.secondFactors.disableTotp(user, dto.password, dto.code);
  }

  @Post('recovery-codes')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Replace the recovery codes',
    description:
      'Answers ten new codes, shown this once; every earlier code stops working. Needs a fresh sign-in.',
  })
  @ApiOkResponse({ type: RecoveryCodesResponse })
  @ApiForbiddenResponse(REAUTHENTICATION_REQUIRED)
  @ApiConflictResponse({
    type: ErrorResponse,
    description: 'TOTP is not on: recovery codes come with it',
  })
  async regenerate(
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<RecoveryCodesResponse> {
    return {
      recovery_codes: await this.secondFactors.regenerateRecoveryCodes(user),
    };
  }
}

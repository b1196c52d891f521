import { Body, Controller, HttpCode, Ip, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { Auth } from '../auth/decorators/auth.decorator';
import { CurrentUser } from '../auth/decorators/current-user.decorator';
import { Public } from '../auth/decorators/public.decorator';
import { ErrorResponse } from '../common/http/error.response';
import { MessageResponse } from '../mail/dto/message.response';
import { toUserResponse, UserEnvelope } from '../users/dto/user.response';
import { ResendVerificationDto } from './dto/resend-verification.dto';
import { VerifyEmailDto } from './dto/verify-email.dto';
import {
  EmailVerificationService,
  RESEND_ANSWER,
  VERIFY_TOKEN_INVALID,
} from './email-verification.service';

const OFF = {
  type: ErrorResponse,
  description: 'Email verification is off (EMAIL_VERIFICATION=off)',
};

@ApiTags('email verification')
@Controller('email')
export class EmailVerificationController {
  constructor(private readonly verification: EmailVerificationService) {}

  @Post('verify')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({
    type: UserEnvelope,
    description:
      'The address is verified, or the pending change applied (email is now the new address)',
  })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: VERIFY_TOKEN_INVALID,
  })
  @ApiConflictResponse({
    type: ErrorResponse,
    description: 'Another account took the address since the link was sent',
  })
  @ApiNotFoundResponse(OFF)
  async verify(@Body() dto: VerifyEmailDto): Promise<UserEnvelope> {
    this.verification.assertEnabled();
    return { user: toUserResponse(await this.verification.verify(dto.token)) };
  }

  @Post('verification')
  @Auth('jwt', 'session')
  @HttpCode(202)
  @ApiAcceptedResponse({
    type: MessageResponse,
    description:
      'A new link is on its way to the pending address, else to the unverified one',
  })
  @ApiConflictResponse({
    type: ErrorResponse,
    description: 'Nothing to verify: the address is verified, or there is none',
  })
  @ApiNotFoundResponse(OFF)
  @ApiTooManyRequestsResponse({
    type: ErrorResponse,
    description:
      'Rate-limited per address and per client, as the public resend (RATE_LIMIT_MAIL_PER_ADDRESS, RATE_LIMIT_MAIL_PER_IP)',
  })
  async resendMine(
    @CurrentUser() user: AuthenticatedUser,
    @Ip() ip: string,
  ): Promise<MessageResponse> {
    this.verification.assertEnabled();
    await this.verification.resendFor(user.id, ip);
    return { message: 'A new link to verify the email address is on its way' };
  }

  @Post('verification/resend')
  @Public()
  @HttpCode(202)
  @ApiAcceptedResponse({
    type: MessageResponse,
    description: `The same answer whatever the address: "${RESEND_ANSWER}". Rate-limited per address and per client (RATE_LIMIT_MAIL_PER_ADDRESS, RATE_LIMIT_MAIL_PER_IP)`,
  })
  @ApiNotFoundResponse(OFF)
  async resendPublic(
    @Body() dto: ResendVerificationDto,
    @Ip() ip: string,
  ): Promise<MessageResponse> {
    this.verification.assertEnabled();
    await this.verification.resendPublic(dto.email, ip);
    return { message: RESEND_ANSWER };
  }
}

import { Body, Controller, HttpCode, Ip, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Public } from '../auth/decorators/public.decorator';
import { ErrorResponse } from '../common/http/error.response';
import { MessageResponse } from '../mail/dto/message.response';
import { ForgotPasswordDto } from './dto/forgot-password.dto';
import { ResetPasswordDto } from './dto/reset-password.dto';
import {
  FORGOT_ANSWER,
  PasswordResetService,
  RESET_TOKEN_INVALID,
} from './password-reset.service';

const OFF = {
  type: ErrorResponse,
  description: 'Password reset is off (PASSWORD_RESET=off)',
};

@ApiTags('password reset')
@Controller('password')
export class PasswordResetController {
  constructor(private readonly passwordReset: PasswordResetService) {}

  @Post('forgot')
  @Public()
  @HttpCode(202)
  @ApiAcceptedResponse({
    type: MessageResponse,
    description: `Always "${FORGOT_ANSWER}", in the same time, whether or not an account has the address; the link (<ISSUER_URL>/reset-password#token=…) is mailed after answering. Rate-limited per address and per client (RATE_LIMIT_MAIL_PER_ADDRESS, RATE_LIMIT_MAIL_PER_IP): 429 with Retry-After`,
  })
  @ApiNotFoundResponse(OFF)
  async forgot(
    @Body() dto: ForgotPasswordDto,
    @Ip() ip: string,
  ): Promise<MessageResponse> {
    this.passwordReset.assertEnabled();
    await this.passwordReset.forgot(dto.email, ip);
    return { message: FORGOT_ANSWER };
  }

  @Post('reset')
  @Public()
  @HttpCode(204)
  @ApiNoContentResponse({
    description:
      'The password is set; every session, access token and refresh token of the account is revoked, other reset links die, and the email counts as verified. Second factors stay',
  })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: `${RESET_TOKEN_INVALID}; or new_password breaks the password rules`,
  })
  @ApiNotFoundResponse(OFF)
  async reset(@Body() dto: ResetPasswordDto): Promise<void> {
    this.passwordReset.assertEnabled();
    await this.passwordReset.reset(dto.token, dto.new_password);
  }
}

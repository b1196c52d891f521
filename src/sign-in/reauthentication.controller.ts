import {
  BadRequestException,
  Body,
  Controller,
  HttpCode,
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
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { Auth } from '../auth/decorators/auth.decorator';
import { CurrentUser } from '../auth/decorators/current-user.decorator';
import { ErrorResponse } from '../common/http/error.response';
import { ReauthenticateDto } from './dto/reauthenticate.dto';
import { PasskeyOptionsResponse } from './dto/sign-in.response';
import { requireExactlyOne } from './factor-answer';
import { ReauthenticationService } from './reauthentication.service';

@ApiTags('sign-in')
@Controller('auth/reauthenticate')
@Auth('jwt', 'session')
export class ReauthenticationController {
  constructor(private readonly reauthentication: ReauthenticationService) {}

  @Post()
  @HttpCode(204)
  @ApiNoContentResponse({
    description:
      'The access token or session making this request may take sensitive actions for FRESH_AUTH_WINDOW seconds',
  })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description:
      'Not exactly one of password, code, recovery_code or passkey; passkey without ceremony_id',
  })
  @ApiForbiddenResponse({
    type: ErrorResponse,
    description:
      '"password is incorrect", "code is incorrect", "recovery_code is incorrect" or "passkey was not accepted"',
  })
  @ApiTooManyRequestsResponse({
    type: ErrorResponse,
    description: 'Too many failed attempts, with Retry-After',
  })
  async reauthenticate(
    @CurrentUser() user: AuthenticatedUser,
    @Body() dto: ReauthenticateDto,
  ): Promise<void> {
    requireExactlyOne(dto, ['password', 'code', 'recovery_code', 'passkey']);
    if ((dto.passkey === undefined) !== (dto.ceremony_id === undefined)) {
      throw new BadRequestException(
        'passkey and ceremony_id go together: ceremony_id from POST /api/auth/reauthenticate/passkey-options',
      );
    }
    await this.reauthentication.reauthenticate(user, dto);
  }

  @Post('passkey-options')
  @HttpCode(200)
  @ApiOkResponse({ type: PasskeyOptionsResponse })
  @ApiConflictResponse({
    type: ErrorResponse,
    description: 'This account has no passkey',
  })
  passkeyOptions(
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<PasskeyOptionsResponse> {
    return this.reauthentication.passkeyOptions(user);
  }
}

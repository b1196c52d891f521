import {
  BadRequestException,
  Body,
  Controller,
  Headers,
  HttpCode,
  Post,
} from '@nestjs/common';
import {
  ApiHeader,
  ApiSecurity,
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiTooManyRequestsResponse,
  ApiUnsupportedMediaTypeResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import {
  CREDENTIALS_BAD_REQUEST,
  ErrorResponse,
  UNSUPPORTED_MEDIA_TYPE,
} from '../common/http/error.response';
import { fieldRequired } from '../common/http/required-field';
import { SecondFactorRequiredResponse } from '../sign-in/dto/sign-in.response';
import type { SecondFactorRequired } from '../sign-in/sign-in.service';
import { AuthService } from './auth.service';
import type { AuthenticatedUser } from './authenticated-user';
import { parseBasicCredentials } from './basic-credentials';
import { Auth } from './decorators/auth.decorator';
import { CurrentUser } from './decorators/current-user.decorator';
import { Public } from './decorators/public.decorator';
import { LoginDto } from './dto/login.dto';
import { LogoutDto, RefreshDto } from './dto/refresh.dto';
import { RegisterDto } from './dto/register.dto';
import {
  RegisteredResponse,
  TokenPairResponse,
  UnverifiedRegistrationResponse,
} from './dto/token-pair.response';

@ApiTags('accounts and tokens')
@Controller()
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('register')
  @Public()
  @ApiCreatedResponse({
    description:
      'The account and a token pair; with an email, a link to verify it is mailed. Under REQUIRE_VERIFIED_EMAIL (email then required) no tokens: { user, message }, sign in once verified',
    schema: {
      oneOf: [
        { $ref: getSchemaPath(RegisteredResponse) },
        { $ref: getSchemaPath(UnverifiedRegistrationResponse) },
      ],
    },
  })
  @ApiExtraModels(RegisteredResponse, UnverifiedRegistrationResponse)
  @ApiBadRequestResponse(CREDENTIALS_BAD_REQUEST)
  @ApiConflictResponse({
    type: ErrorResponse,
    description: 'username or email taken (whatever its case)',
  })
  @ApiUnsupportedMediaTypeResponse(UNSUPPORTED_MEDIA_TYPE)
  register(
    @Body() dto: RegisterDto,
  ): Promise<RegisteredResponse | UnverifiedRegistrationResponse> {
    return this.auth.register({
      username: dto.username,
      password: dto.password,
      email: dto.email ?? null,
      firstName: dto.first_name ?? null,
      lastName: dto.last_name ?? null,
    });
  }

  @Post('login')
  @Public()
  @HttpCode(200)
  // Basic is one way to send the credentials, not a requirement: {} makes it optional.
  @ApiSecurity('basic')
  @ApiSecurity({})
  @ApiHeader({
    name: 'authorization',
    required: false,
    description: 'Basic base64(username:password), instead of a body',
  })
  @ApiBody({
    type: LoginDto,
    required: false,
    description: 'or send the credentials as Authorization: Basic',
  })
  @ApiExtraModels(TokenPairResponse, SecondFactorRequiredResponse)
  @ApiOkResponse({
    description:
      'A token pair, or, for an account with a second factor, `second_factor_required` with a ' +
      'challenge_token: finish with POST /api/login/second-factor',
    schema: {
      oneOf: [
        { $ref: getSchemaPath(TokenPairResponse) },
        { $ref: getSchemaPath(SecondFactorRequiredResponse) },
      ],
    },
  })
  @ApiBadRequestResponse(CREDENTIALS_BAD_REQUEST)
  @ApiUnauthorizedResponse({
    type: ErrorResponse,
    description: 'Invalid username or password (one message for both)',
  })
  @ApiTooManyRequestsResponse({
    type: ErrorResponse,
    description: 'Too many failed sign-in attempts, with Retry-After',
  })
  @ApiUnsupportedMediaTypeResponse(UNSUPPORTED_MEDIA_TYPE)
  login(
    @Body() dto: LoginDto,
    @Headers('authorization') authorization?: string,
  ): Promise<TokenPairResponse | SecondFactorRequired> {
    const fromHeader = authorization
      ? parseBasicCredentials(authorization)
      : null;
    if (authorization && !fromHeader) {
      throw new BadRequestException(
        'Authorization must be Basic base64(username:password)',
      );
    }
    // @IsOptional lets null through as well as undefined: both mean "not sent".
    const username = fromHeader?.username ?? dto.username ?? undefined;
    const password = fromHeader?.password ?? dto.password ?? undefined;
    if (username === undefined || password === undefined) {
      // Worded as the validation of /api/session and /api/register words it.
      const missing: string[] = [];
      if (username === undefined) {
        missing.push(fieldRequired('username'));
      }
      if (password === undefined) {
        missing.push(fieldRequired('password'));
      }
      throw new BadRequestException(missing.join('; '));
    }
    return this.auth.login(username, password);
  }

  @Post('refresh')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({
    type: TokenPairResponse,
    description:
      'A new pair; the refresh token sent is spent. Sent again within REFRESH_REUSE_GRACE ' +
      'seconds of that (racing requests, a retry), it answers the same pair again, ' +
      'expires_in counting down',
  })
  @ApiUnauthorizedResponse({
    description:
      'Invalid, expired or reused (a reuse after the grace revokes the whole family); also a ' +
      'replay within the grace whose pair was logged out or revoked since',
  })
  refresh(@Body() dto: RefreshDto): Promise<TokenPairResponse> {
    return this.auth.refresh(dto.refresh_token);
  }

  @Post('logout')
  @Auth('jwt')
  @HttpCode(204)
  @ApiNoContentResponse({
    description:
      'This access token (and the refresh token sent, with its family) is revoked',
  })
  logout(
    @CurrentUser() user: AuthenticatedUser,
    @Body() dto: LogoutDto,
  ): Promise<void> {
    return this.auth.logout(user, dto.refresh_token);
  }

  @Post('logout/all')
  @Auth('jwt', 'session', 'basic')
  @HttpCode(204)
  @ApiNoContentResponse({
    description:
      'Every token, refresh token and session of the user is revoked',
  })
  logoutAll(@CurrentUser() user: AuthenticatedUser): Promise<void> {
    return this.auth.logoutEverywhere(user);
  }
}

import '@fastify/cookie';
import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  ApiUnsupportedMediaTypeResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TokenPairResponse } from '../auth/dto/token-pair.response';
import { Public } from '../auth/decorators/public.decorator';
import { SESSION_COOKIE } from '../auth/guards/presented-credentials';
import {
  CREDENTIALS_BAD_REQUEST,
  ErrorResponse,
  UNSUPPORTED_MEDIA_TYPE,
} from '../common/http/error.response';
import { AppConfig } from '../config/app-config';
import { SessionLoginDto } from '../sessions/dto/session-login.dto';
import { SessionCreatedResponse } from '../sessions/dto/session.response';
import { sessionCookieOptions } from '../sessions/session-cookie';
import { PasskeySignInDto } from './dto/passkey-sign-in.dto';
import { SecondStepDto } from './dto/second-step.dto';
import {
  PasskeyOptionsResponse,
  SecondFactorRequiredResponse,
} from './dto/sign-in.response';
import { requireExactlyOne } from './factor-answer';
import {
  type ClientInfo,
  type SecondFactorRequired,
  SignInService,
  type StartedSession,
} from './sign-in.service';

const ANSWERS = ['code', 'recovery_code', 'passkey'] as const;

const SECOND_STEP_UNAUTHORIZED = {
  type: ErrorResponse,
  description:
    '"challenge_token is invalid, expired or already used: sign in again", or the answer was wrong ' +
    '("code is incorrect", "recovery_code is incorrect", "passkey was not accepted"): the challenge ' +
    'stays usable until 5 wrong answers',
};
const LOCKED = {
  type: ErrorResponse,
  description:
    'Too many failed sign-in attempts (wrong passwords and wrong codes count alike), with Retry-After',
};

/**
 * The ways into a console session, and the second step and passkey sign-in of both
 * /api/login (tokens) and /api/session (cookie). /api/login's password step is AuthController's.
 */
@ApiTags('sign-in')
@Controller()
@ApiExtraModels(SecondFactorRequiredResponse, SessionCreatedResponse)
export class SignInController {
  constructor(
    private readonly signIn: SignInService,
    private readonly config: AppConfig,
  ) {}

  @Post('session')
  @Public()
  @HttpCode(200)
  @ApiTags('cookie sessions')
  @ApiOkResponse({
    description:
      'Either the session (sets the sid cookie: HttpOnly, SameSite=Lax, Path=/; Secure when configured), ' +
      'or, for an account with a second factor, `second_factor_required` and no cookie: ' +
      'finish with POST /api/session/second-factor',
    schema: {
      oneOf: [
        { $ref: getSchemaPath(SessionCreatedResponse) },
        { $ref: getSchemaPath(SecondFactorRequiredResponse) },
      ],
    },
  })
  @ApiBadRequestResponse(CREDENTIALS_BAD_REQUEST)
  @ApiUnauthorizedResponse({
    type: ErrorResponse,
    description: 'Invalid username or password',
  })
  @ApiTooManyRequestsResponse(LOCKED)
  @ApiUnsupportedMediaTypeResponse(UNSUPPORTED_MEDIA_TYPE)
  async session(
    @Body() dto: SessionLoginDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SessionCreatedResponse | SecondFactorRequired> {
    const result = await this.signIn.passwordForSession(
      dto.username,
      dto.password,
      clientOf(request),
    );
    return 'second_factor_required' in result
      ? result
      : this.withCookie(result, reply);
  }

  @Post('login/second-factor')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({
    type: TokenPairResponse,
    description:
      'The second step of /api/login: exactly one of code, recovery_code or passkey',
  })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: 'challenge_token missing, or not exactly one answer',
  })
  @ApiUnauthorizedResponse(SECOND_STEP_UNAUTHORIZED)
  @ApiTooManyRequestsResponse(LOCKED)
  loginSecondFactor(@Body() dto: SecondStepDto): Promise<TokenPairResponse> {
    requireExactlyOne(dto, ANSWERS);
    return this.signIn.secondStepForTokens(dto.challenge_token, dto);
  }

  @Post('session/second-factor')
  @Public()
  @HttpCode(200)
  @ApiTags('cookie sessions')
  @ApiOkResponse({
    type: SessionCreatedResponse,
    description:
      'The second step of /api/session: sets the sid cookie like /api/session',
  })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: 'challenge_token missing, or not exactly one answer',
  })
  @ApiUnauthorizedResponse(SECOND_STEP_UNAUTHORIZED)
  @ApiTooManyRequestsResponse(LOCKED)
  async sessionSecondFactor(
    @Body() dto: SecondStepDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SessionCreatedResponse> {
    requireExactlyOne(dto, ANSWERS);
    const session = await this.signIn.secondStepForSession(
      dto.challenge_token,
      dto,
      clientOf(request),
    );
    return this.withCookie(session, reply);
  }

  @Post('passkeys/authentication-options')
  @Public()
  @HttpCode(200)
  @ApiTags('passkeys')
  @ApiOkResponse({
    type: PasskeyOptionsResponse,
    description:
      'Starts a passkey-only sign-in: any discoverable passkey of this server, user verification required',
  })
  passkeyOptions(): Promise<PasskeyOptionsResponse> {
    return this.signIn.passkeyOptions();
  }

  @Post('login/passkey')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({
    type: TokenPairResponse,
    description:
      'Sign-in with a passkey alone (with user verification it is two factors by itself)',
  })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: 'ceremony_id or credential missing',
  })
  @ApiUnauthorizedResponse({
    type: ErrorResponse,
    description:
      'The passkey was not accepted (unknown, wrong signature, ceremony expired or used, no user verification)',
  })
  loginPasskey(@Body() dto: PasskeySignInDto): Promise<TokenPairResponse> {
    return this.signIn.passkeyForTokens(dto.ceremony_id, dto.credential);
  }

  @Post('session/passkey')
  @Public()
  @HttpCode(200)
  @ApiTags('cookie sessions')
  @ApiOkResponse({
    type: SessionCreatedResponse,
    description:
      'Sign-in with a passkey alone into a console session (sets the sid cookie)',
  })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: 'ceremony_id or credential missing',
  })
  @ApiUnauthorizedResponse({
    type: ErrorResponse,
    description: 'The passkey was not accepted',
  })
  async sessionPasskey(
    @Body() dto: PasskeySignInDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SessionCreatedResponse> {
    const session = await this.signIn.passkeyForSession(
      dto.ceremony_id,
      dto.credential,
      clientOf(request),
    );
    return this.withCookie(session, reply);
  }

  private withCookie(
    session: StartedSession,
    reply: FastifyReply,
  ): SessionCreatedResponse {
    void reply.setCookie(
      SESSION_COOKIE,
      session.token,
      sessionCookieOptions(this.config),
    );
    return session.body;
  }
}

function clientOf(request: FastifyRequest): ClientInfo {
  const userAgent = request.headers['user-agent'];
  return {
    ip: request.ip ?? null,
    userAgent: typeof userAgent === 'string' ? userAgent : null,
  };
}

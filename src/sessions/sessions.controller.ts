import '@fastify/cookie';
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuditService } from '../audit/audit.service';
import { challengeFor } from '../auth/auth-schemes';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { Auth } from '../auth/decorators/auth.decorator';
import { CurrentUser } from '../auth/decorators/current-user.decorator';
import { Public } from '../auth/decorators/public.decorator';
import { SESSION_COOKIE } from '../auth/guards/presented-credentials';
import {
  CREDENTIALS_BAD_REQUEST,
  ErrorResponse,
  UNSUPPORTED_MEDIA_TYPE,
} from '../common/http/error.response';
import { UnauthorizedWithChallengeException } from '../common/http/unauthorized-with-challenge.exception';
import { AppConfig } from '../config/app-config';
import { FreshAuthService } from '../fresh-auth/fresh-auth.service';
import { toUserResponse } from '../users/dto/user.response';
import { normalizeUsername } from '../users/username';
import { UsersService } from '../users/users.service';
import { SessionLoginDto } from './dto/session-login.dto';
import {
  SessionCreatedResponse,
  SessionResponse,
} from './dto/session.response';
import { sessionCookieOptions } from './session-cookie';
import { SessionsService } from './sessions.service';

/** Cookie sessions for browsers: sign in and out, list and revoke one's sessions. */
@ApiTags('cookie sessions')
@Controller()
export class SessionsController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly users: UsersService,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly freshAuth: FreshAuthService,
  ) {}

  @Post('session')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({
    type: SessionCreatedResponse,
    description:
      'Sets the sid cookie (HttpOnly, SameSite=Lax, Path=/; Secure when configured)',
  })
  @ApiBadRequestResponse(CREDENTIALS_BAD_REQUEST)
  @ApiUnauthorizedResponse({
    type: ErrorResponse,
    description: 'Invalid username or password',
  })
  @ApiUnsupportedMediaTypeResponse(UNSUPPORTED_MEDIA_TYPE)
  async signIn(
    @Body() dto: SessionLoginDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SessionCreatedResponse> {
    const user = await this.users.verifyPassword(dto.username, dto.password);
    if (!user) {
      this.audit.record({
        type: 'login',
        outcome: 'failure',
        username: normalizeUsername(dto.username),
        details: { scheme: 'session' },
      });
      throw new UnauthorizedWithChallengeException(
        'Invalid username or password',
        [challengeFor('session', false)],
      );
    }
    const userAgent = request.headers['user-agent'];
    const session = await this.sessions.create(user.id, user.tokensValidAfter, {
      ip: request.ip ?? null,
      userAgent: typeof userAgent === 'string' ? userAgent : null,
    });
    await this.freshAuth.record(user.id, session.id);
    this.audit.record({
      type: 'login',
      outcome: 'success',
      userId: user.id,
      username: user.username,
      details: { scheme: 'session', session_id: session.id },
    });
    void reply.setCookie(
      SESSION_COOKIE,
      session.token,
      sessionCookieOptions(this.config),
    );
    return { user: toUserResponse(user), csrf_token: session.csrfToken };
  }

  @Get('session')
  @Auth('session')
  @ApiOkResponse({
    type: SessionCreatedResponse,
    description:
      "The signed-in user and this session's CSRF token: a page that lost the token (a reload) asks for it again",
  })
  async current(
    @CurrentUser() user: AuthenticatedUser,
    @Req() request: FastifyRequest,
  ): Promise<SessionCreatedResponse> {
    const token = request.cookies[SESSION_COOKIE] ?? '';
    const session = await this.sessions.verify(token);
    if (!session || session.id !== user.credentialId) {
      // Revoked between the guard and here.
      throw new UnauthorizedWithChallengeException('Session expired', [
        challengeFor('session', false),
      ]);
    }
    return {
      user: toUserResponse(await this.users.getById(user.id)),
      csrf_token: await this.sessions.csrfTokenOf(session, token),
    };
  }

  @Delete('session')
  @Auth('session')
  @HttpCode(204)
  @ApiNoContentResponse({
    description: 'Signed out: the session is deleted and the cookie cleared',
  })
  async signOut(
    @CurrentUser() user: AuthenticatedUser,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    await this.sessions.revoke(user.id, user.credentialId ?? '');
    this.audit.record({
      type: 'session_revoked',
      outcome: 'success',
      userId: user.id,
      username: user.username,
      details: { session_id: user.credentialId, sign_out: true },
    });
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  @Get('sessions')
  @Auth('jwt', 'session')
  @ApiOkResponse({ type: SessionResponse, isArray: true })
  list(@CurrentUser() user: AuthenticatedUser): Promise<SessionResponse[]> {
    return this.sessions.list(
      user.id,
      user.scheme === 'session' ? user.credentialId : null,
    );
  }

  @Delete('sessions/:id')
  @Auth('jwt', 'session')
  @HttpCode(204)
  @ApiNoContentResponse({
    description: 'Revoked: the session fails from the next request on',
  })
  async revoke(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    await this.sessions.revoke(user.id, id);
    this.audit.record({
      type: 'session_revoked',
      outcome: 'success',
      userId: user.id,
      username: user.username,
      details: { session_id: id, sign_out: false, scheme: user.scheme },
    });
    if (user.scheme === 'session' && user.credentialId === id) {
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    }
  }
}

import '@fastify/cookie';
import {
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Req,
  Res,
} from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuditService } from '../audit/audit.service';
import { challengeFor } from '../auth/auth-schemes';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { Auth } from '../auth/decorators/auth.decorator';
import { CurrentUser } from '../auth/decorators/current-user.decorator';
import { SESSION_COOKIE } from '../auth/guards/presented-credentials';
import { UnauthorizedWithChallengeException } from '../common/http/unauthorized-with-challenge.exception';
import { toUserResponse } from '../users/dto/user.response';
import { UsersService } from '../users/users.service';
import {
  SessionCreatedResponse,
  SessionResponse,
} from './dto/session.response';
import { SessionsService } from './sessions.service';

/**
 * Cookie sessions for browsers: the current session, signing out, listing and revoking one's
 * sessions. Signing in (POST /api/session) is the sign-in module's.
 */
@ApiTags('cookie sessions')
@Controller()
export class SessionsController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

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

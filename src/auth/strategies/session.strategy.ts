import { ForbiddenException, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-strategy';
import {
  type ActiveSession,
  SessionsService,
} from '../../sessions/sessions.service';
import { isIssuedBefore } from '../../users/credential-epoch';
import { type UserAuthState, UsersService } from '../../users/users.service';
import { SESSION_COOKIE } from '../guards/presented-credentials';
import {
  type Validating,
  validateAndReport,
  type Verdict,
} from './strategy-verdict';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Reads the `sid` cookie (parsed by @fastify/cookie) and hands it to `validate`. */
class SidCookieStrategy extends Strategy {
  override authenticate(request: unknown): void {
    const fastifyRequest = request as FastifyRequest;
    const token = fastifyRequest.cookies?.[SESSION_COOKIE];
    if (!token) {
      return this.fail(401);
    }
    validateAndReport(
      this as unknown as Validating<[FastifyRequest, string]>,
      fastifyRequest,
      token,
    );
  }
}

/**
 * Cookie sessions. A cookie rides along with any request a browser makes, even one another site
 * triggers, so unsafe methods must also carry the session's CSRF token (403 without it).
 */
@Injectable()
export class SessionStrategy extends PassportStrategy(
  SidCookieStrategy,
  'session',
) {
  constructor(
    private readonly sessions: SessionsService,
    private readonly users: UsersService,
  ) {
    super();
  }

  validate(request: FastifyRequest, token: string): Verdict | Promise<Verdict> {
    // Nearly always the session and its user are in memory: then no promise is made at all.
    const session = this.sessions.verifyFromCache(token);
    if (session === null) {
      return null;
    }
    const state = session && this.users.cachedAuthState(session.userId);
    return session && state
      ? this.userFor(request, session, state)
      : this.validateFromDatabase(request, token, session);
  }

  private async validateFromDatabase(
    request: FastifyRequest,
    token: string,
    verified: ActiveSession | undefined,
  ): Promise<Verdict> {
    const session = verified ?? (await this.sessions.verify(token));
    if (!session) {
      return null;
    }
    const state = await this.users.getAuthState(session.userId);
    return state ? this.userFor(request, session, state) : null;
  }

  private userFor(
    request: FastifyRequest,
    session: ActiveSession,
    state: UserAuthState,
  ): Verdict {
    if (
      state.disabled ||
      (isIssuedBefore(session.issuedAt, state.tokensValidAfter) &&
        session.id !== state.tokensValidAfterExemptId)
    ) {
      return null;
    }
    if (!SAFE_METHODS.has(request.method)) {
      const csrf = request.headers['x-csrf-token'];
      if (
        !this.sessions.csrfMatches(
          session,
          typeof csrf === 'string' ? csrf : undefined,
        )
      ) {
        throw new ForbiddenException(
          "This request needs the session's X-CSRF-Token header",
        );
      }
    }
    return {
      id: state.id,
      username: state.username,
      roles: state.roles,
      scopes: null,
      scheme: 'session',
      credentialId: session.id,
      expiresAt: null,
      kind: 'user',
      clientId: null,
    };
  }
}

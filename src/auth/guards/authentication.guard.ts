import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import passport from 'passport';
import { UnauthorizedWithChallengeException } from '../../common/http/unauthorized-with-challenge.exception';
import { RouteMetadata } from '../../common/routing/route-metadata';
import { type AuthScheme, challengeFor } from '../auth-schemes';
import type { AuthenticatedUser } from '../authenticated-user';
import { AuthSchemesMetadata } from '../decorators/auth.decorator';
import { presentedCredentials } from './presented-credentials';

const FAILURE_MESSAGES: Record<AuthScheme, string> = {
  basic: 'Invalid username or password',
  jwt: 'Invalid, expired or revoked access token',
  'api-key': 'Invalid, expired or revoked API key',
  session: 'Invalid or expired session',
};

/**
 * The single place that authenticates a request and the single source of 401s. The request
 * must present at least one credential, only of schemes the route accepts, and every credential
 * it presents must verify: an invalid one is never passed over in favour of another.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  private readonly schemes: RouteMetadata<AuthScheme[]>;

  constructor(reflector: Reflector) {
    this.schemes = new RouteMetadata(reflector, AuthSchemesMetadata);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const accepted = this.schemes.of(context) ?? [];
    const http = context.switchToHttp();
    const request = http.getRequest<
      FastifyRequest & { user?: AuthenticatedUser }
    >();

    const presented = presentedCredentials(request, accepted);
    if (presented.length === 0) {
      throw this.unauthorized(accepted, 'Authentication required', false);
    }
    let authenticated: AuthenticatedUser | undefined;
    for (const scheme of presented) {
      if (scheme === 'unknown' || !accepted.includes(scheme)) {
        throw this.unauthorized(
          accepted,
          `This route accepts only: ${accepted.join(', ')}`,
          false,
        );
      }
      const user = await authenticateWith(scheme, request);
      if (!user) {
        throw this.unauthorized(
          accepted,
          FAILURE_MESSAGES[scheme],
          scheme === 'jwt',
        );
      }
      if (authenticated && authenticated.id !== user.id) {
        throw this.unauthorized(
          accepted,
          'The credentials presented belong to different users',
          false,
        );
      }
      authenticated ??= user;
    }
    request.user = authenticated;
    return true;
  }

  private unauthorized(
    accepted: readonly AuthScheme[],
    message: string,
    rejectedToken: boolean,
  ): UnauthorizedWithChallengeException {
    return new UnauthorizedWithChallengeException(
      message,
      accepted.map((scheme) => challengeFor(scheme, rejectedToken)),
    );
  }
}

/** What a strategy calls to report its verdict; passport adds these for each request. */
interface StrategyActions {
  success(user: unknown): void;
  fail(): void;
  error(error: unknown): void;
  redirect(): void;
  pass(): void;
}

type RegisteredStrategy = {
  authenticate(this: StrategyActions, request: unknown, options: object): void;
};

/** passport's registry, where each PassportStrategy registered itself under its scheme's name. */
const registry = passport as unknown as {
  _strategy(name: string): RegisteredStrategy | undefined;
};

/**
 * Runs one passport strategy (registered under the scheme's name) on the request, as
 * `passport.authenticate` does without its session, redirect and `req.login` machinery: that
 * wrapper also added seven properties to every request object, so authenticated and public
 * requests no longer shared one shape.
 */
function authenticateWith(
  scheme: AuthScheme,
  request: FastifyRequest,
): Promise<AuthenticatedUser | false> {
  const strategy = registry._strategy(scheme);
  if (!strategy) {
    return Promise.reject(
      new Error(`no passport strategy registered as "${scheme}"`),
    );
  }
  return new Promise((resolve, reject) => {
    const attempt = Object.create(strategy) as RegisteredStrategy &
      StrategyActions;
    attempt.success = (user) => resolve(user as AuthenticatedUser);
    attempt.fail = () => resolve(false);
    attempt.error = (error) => reject(asError(error));
    attempt.redirect = attempt.pass = () =>
      reject(new Error(`strategy "${scheme}" neither accepted nor refused`));
    attempt.authenticate(request, { session: false });
  });
}

function asError(error: unknown): Error {
  return error instanceof Error
    ? error
    : new Error(
        `passport failed: ${typeof error === 'string' ? error : 'non-Error value'}`,
      );
}

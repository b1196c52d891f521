import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import passport from 'passport';
import { UnauthorizedWithChallengeException } from '../../common/http/unauthorized-with-challenge.exception';
import { withoutStackTrace } from '../../common/http/without-stack-trace';
import { RouteMetadata } from '../../common/routing/route-metadata';
import { AppConfig } from '../../config/app-config';
import { type AuthScheme, challengeFor, DPOP_CHALLENGE } from '../auth-schemes';
import type { AuthenticatedUser } from '../authenticated-user';
import { AuthSchemesMetadata } from '../decorators/auth.decorator';
import {
  asError,
  Refusal,
  type StrategyActions,
  type Verdict,
} from '../strategies/strategy-verdict';
import {
  noCredentialMessage,
  unsupportedSchemeMessage,
} from './credential-hints';
import {
  type BearerIssuers,
  presentedCredentials,
} from './presented-credentials';

const FAILURE_MESSAGES: Record<AuthScheme, string> = {
  basic: 'Invalid username or password',
  jwt: 'Invalid, expired or revoked access token',
  'api-key': 'Invalid, expired or revoked API key',
  session: 'Invalid or expired session',
  oauth: 'Invalid, expired or revoked OAuth access token',
};

/**
 * Why a bearer token is refused where bearer tokens of the other kind are accepted (the two
 * look alike to a client); an OAuth token is named as such on any route, as it is new.
 */
function otherBearerKind(
  scheme: AuthScheme,
  accepted: readonly AuthScheme[],
): string | undefined {
  if (scheme === 'oauth') {
    return 'This route does not accept OAuth access tokens';
  }
  return scheme === 'jwt' && accepted.includes('oauth')
    ? 'This route does not accept Gatehouse access tokens from /api/login'
    : undefined;
}

/**
 * The single place that authenticates a request and the single source of 401s. The request
 * must present at least one credential, only of schemes the route accepts, and every credential
 * it presents must verify: an invalid one is never passed over in favour of another.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  private readonly schemes: RouteMetadata<AuthScheme[]>;
  private readonly issuers: BearerIssuers;

  constructor(reflector: Reflector, config: AppConfig) {
    this.schemes = new RouteMetadata(reflector, AuthSchemesMetadata);
    this.issuers = { oauth: config.issuerUrl, jwt: config.jwtIssuer };
  }

  /** Synchronous when every strategy answered from memory: no promise on the common path. */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const accepted = this.schemes.of(context) ?? [];
    const request = context
      .switchToHttp()
      .getRequest<FastifyRequest & { user?: AuthenticatedUser }>();
    const presented = presentedCredentials(request, accepted, this.issuers);
    if (presented.length === 0) {
      throw this.unauthorized(
        accepted,
        noCredentialMessage(request.headers, accepted),
        false,
      );
    }
    return this.verifyFrom(0, presented, accepted, request, undefined);
  }

  /** Verifies `presented[from…]` in order, waiting only for a strategy that did not answer at once. */
  private verifyFrom(
    from: number,
    presented: readonly (AuthScheme | 'unknown')[],
    accepted: readonly AuthScheme[],
    request: FastifyRequest & { user?: AuthenticatedUser },
    authenticatedSoFar: AuthenticatedUser | undefined,
  ): boolean | Promise<boolean> {
    let authenticated = authenticatedSoFar;
    for (let i = from; i < presented.length; i += 1) {
      const scheme = presented[i];
      if (scheme === 'unknown') {
        throw this.unauthorized(
          accepted,
          unsupportedSchemeMessage(
            request.headers.authorization ?? '',
            accepted,
          ),
          false,
        );
      }
      if (!accepted.includes(scheme)) {
        const otherKind = otherBearerKind(scheme, accepted);
        throw this.unauthorized(
          accepted,
          otherKind
            ? `${otherKind}; it accepts only: ${accepted.join(', ')}`
            : `This route accepts only: ${accepted.join(', ')}`,
          otherKind !== undefined,
        );
      }
      const verdict = authenticateWith(scheme, request);
      if (verdict instanceof Promise) {
        return verdict.then((user) =>
          this.verifyFrom(
            i + 1,
            presented,
            accepted,
            request,
            this.sameUser(accepted, scheme, user, authenticated),
          ),
        );
      }
      authenticated = this.sameUser(accepted, scheme, verdict, authenticated);
    }
    request.user = authenticated;
    return true;
  }

  /** The user a credential of `scheme` proved, if it is the one any earlier credential proved. */
  private sameUser(
    accepted: readonly AuthScheme[],
    scheme: AuthScheme,
    user: Verdict,
    authenticated: AuthenticatedUser | undefined,
  ): AuthenticatedUser {
    if (!user || user instanceof Refusal) {
      throw this.unauthorized(
        accepted,
        user?.message ?? FAILURE_MESSAGES[scheme],
        scheme === 'jwt' || scheme === 'oauth',
      );
    }
    if (authenticated && authenticated.id !== user.id) {
      throw this.unauthorized(
        accepted,
        'The credentials presented belong to different users',
        false,
      );
    }
    return authenticated ?? user;
  }

  private unauthorized(
    accepted: readonly AuthScheme[],
    message: string,
    rejectedToken: boolean,
  ): UnauthorizedWithChallengeException {
    // jwt and oauth share one Bearer challenge: say it once.
    const challenges = [
      ...new Set(accepted.map((scheme) => challengeFor(scheme, rejectedToken))),
    ];
    if (accepted.includes('oauth')) {
      challenges.push(DPOP_CHALLENGE);
    }
    return withoutStackTrace(
      () => new UnauthorizedWithChallengeException(message, challenges),
    );
  }
}

type RegisteredStrategy = {
  authenticate(this: StrategyActions, request: unknown, options: object): void;
};

/** passport's registry, where each PassportStrategy registered itself under its scheme's name. */
const registry = passport as unknown as {
  _strategy(name: string): RegisteredStrategy | undefined;
};

/** One strategy run on one request: passport's actions are inherited, the outcome kept on it. */
interface StrategyRun extends RegisteredStrategy, StrategyActions {
  scheme: AuthScheme;
  settled: boolean;
  verdict: Verdict;
  failure: Error | undefined;
  settleLater: ((run: StrategyRun) => void) | undefined;
  redirect(): void;
  pass(): void;
}

const AUTHENTICATE_OPTIONS = Object.freeze({ session: false });

/** Per strategy, the prototype of its runs: passport's actions, made once rather than per request. */
const runPrototypes = new WeakMap<RegisteredStrategy, StrategyRun>();

/**
 * Runs one passport strategy (registered under the scheme's name) on the request, as
 * `passport.authenticate` does without its session, redirect and `req.login` machinery: that
 * wrapper also added seven properties to every request object, so authenticated and public
 * requests no longer shared one shape. A strategy that answers before `authenticate` returns
 * (from memory: see validateAndReport) is answered without a promise.
 */
function authenticateWith(
  scheme: AuthScheme,
  request: FastifyRequest,
): Verdict | Promise<Verdict> {
  const strategy = registry._strategy(scheme);
  if (!strategy) {
    throw new Error(`no passport strategy registered as "${scheme}"`);
  }
  const run = Object.create(runPrototypeFor(strategy)) as StrategyRun;
  run.scheme = scheme;
  run.settled = false;
  run.verdict = null;
  run.failure = undefined;
  run.settleLater = undefined;
  run.authenticate(request, AUTHENTICATE_OPTIONS);
  if (run.settled) {
    return verdictOf(run);
  }
  return new Promise((resolve, reject) => {
    run.settleLater = (ended) =>
      ended.failure ? reject(ended.failure) : resolve(ended.verdict);
  });
}

function runPrototypeFor(strategy: RegisteredStrategy): StrategyRun {
  let prototype = runPrototypes.get(strategy);
  if (!prototype) {
    prototype = Object.create(strategy) as StrategyRun;
    prototype.success = function (this: StrategyRun, user: unknown) {
      settle(this, user as Verdict, undefined);
    };
    prototype.fail = function (this: StrategyRun) {
      settle(this, null, undefined);
    };
    prototype.error = function (this: StrategyRun, error: unknown) {
      settle(this, null, asError(error));
    };
    prototype.redirect = prototype.pass = function (this: StrategyRun) {
      settle(
        this,
        null,
        new Error(`strategy "${this.scheme}" neither accepted nor refused`),
      );
    };
    runPrototypes.set(strategy, prototype);
  }
  return prototype;
}

/** The first verdict counts: a strategy that reports twice cannot change its answer. */
function settle(
  run: StrategyRun,
  verdict: Verdict,
  failure: Error | undefined,
): void {
  if (run.settled) {
    return;
  }
  run.settled = true;
  run.verdict = verdict;
  run.failure = failure;
  run.settleLater?.(run);
}

function verdictOf(run: StrategyRun): Verdict {
  if (run.failure) {
    throw run.failure;
  }
  return run.verdict;
}

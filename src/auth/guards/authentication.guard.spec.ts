import { type ExecutionContext, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import passport from 'passport';
import { Strategy } from 'passport-strategy';
import { UnauthorizedWithChallengeException } from '../../common/http/unauthorized-with-challenge.exception';
import type { AppConfig } from '../../config/app-config';
import type { AuthScheme } from '../auth-schemes';
import type { AuthenticatedUser } from '../authenticated-user';
import { Auth } from '../decorators/auth.decorator';
import { Refusal } from '../strategies/strategy-verdict';
import { AuthenticationGuard } from './authentication.guard';

/**
 * A stand-in strategy: accepts exactly the credential value 'good-<userId>'. It answers at once,
 * as ours do from memory, except `later-good-<userId>`, which it accepts on a later tick, as
 * ours do after a database read.
 */
class FakeStrategy extends Strategy {
  constructor(
    private readonly scheme: AuthScheme,
    private readonly read: (request: FakeRequest) => string | undefined,
  ) {
    super();
  }

  override authenticate(request: unknown): void {
    const value = this.read(request as FakeRequest) ?? '';
    const match = /^(later-)?good-(\w+)$/.exec(value);
    if (!match) {
      return this.fail(401);
    }
    const user = this.userFor(match[2]);
    if (match[1]) {
      setImmediate(() => this.success(user));
    } else {
      this.success(user);
    }
  }

  private userFor(id: string): AuthenticatedUser {
    return {
      id,
      username: id,
      roles: ['user'],
      scopes: null,
      scheme: this.scheme,
      credentialId: null,
      expiresAt: null,
      kind: 'user',
      clientId: null,
    };
  }
}

interface FakeRequest {
  headers: Record<string, string>;
  query: Record<string, string>;
  cookies: Record<string, string>;
  user?: AuthenticatedUser;
}

passport.use(
  'jwt',
  new FakeStrategy('jwt', (r) => r.headers.authorization?.slice(7)),
);
passport.use(
  'basic',
  new FakeStrategy('basic', (r) => r.headers.authorization?.slice(6)),
);
passport.use(
  'api-key',
  new FakeStrategy('api-key', (r) => r.headers['x-api-key'] ?? r.query.api_key),
);

/** OAuth tokens here: a JWT-shaped token of the OAuth issuer; `refuse` is refused with a reason. */
class FakeOAuthStrategy extends Strategy {
  override authenticate(request: unknown): void {
    const token = (request as FakeRequest).headers.authorization?.slice(7);
    if (token === OAUTH_TOKEN) {
      return this.success({
        id: 'ann',
        username: 'ann',
        roles: ['user'],
        scopes: ['data:read'],
        scheme: 'oauth',
        credentialId: null,
        expiresAt: null,
        kind: 'user',
        clientId: 'gh_app',
      } satisfies AuthenticatedUser);
    }
    this.success(new Refusal('Invalid DPoP proof: why'));
  }
}

/** An unsigned JWT whose `iss` is the OAuth issuer the guard is configured with. */
const OAUTH_TOKEN = `e30.${Buffer.from(JSON.stringify({ iss: 'http://localhost:3000' })).toString('base64url')}.c2ln`;
const OAUTH_TOKEN_REFUSED = `e30.${Buffer.from(JSON.stringify({ iss: 'http://localhost:3000', refuse: true })).toString('base64url')}.c2ln`;

passport.use('oauth', new FakeOAuthStrategy());

class Routes {
  @Auth('jwt', 'api-key') both() {}
  @Auth('jwt') jwtOnly() {}
  @Auth('jwt', 'oauth') bearers() {}
}

function contextFor(
  handler: keyof Routes,
  request: Partial<FakeRequest>,
): { context: ExecutionContext; request: FakeRequest } {
  const full: FakeRequest = {
    headers: {},
    query: {},
    cookies: {},
    ...request,
  };
  const context = {
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
    switchToHttp: () => ({
      getRequest: () => full,
      getResponse: () => ({}),
    }),
  } as unknown as ExecutionContext;
  return { context, request: full };
}

/** The 401 the guard answers, whether it throws at once or its promise rejects. */
async function rejection(
  canActivate: () => boolean | Promise<boolean>,
): Promise<UnauthorizedWithChallengeException> {
  try {
    await canActivate();
  } catch (error) {
    if (error instanceof UnauthorizedWithChallengeException) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a 401');
}

describe(AuthenticationGuard.name, () => {
  const guard = new AuthenticationGuard(new Reflector(), {
    issuerUrl: 'http://localhost:3000',
    jwtIssuer: 'gatehouse',
  } as AppConfig);

  it('lets through one valid credential of an accepted scheme and attaches the user, synchronously', () => {
    const { context, request } = contextFor('both', {
      headers: { 'x-api-key': 'good-ann' },
    });
    expect(guard.canActivate(context)).toBe(true);
    expect(request.user).toMatchObject({ id: 'ann', scheme: 'api-key' });
  });

  it('waits for a strategy that answers later, and still checks every credential', async () => {
    const accepted = contextFor('both', {
      headers: {
        authorization: 'Bearer later-good-ann',
        'x-api-key': 'good-ann',
      },
    });
    const pending = guard.canActivate(accepted.context);
    expect(pending).toBeInstanceOf(Promise);
    await expect(pending).resolves.toBe(true);
    expect(accepted.request.user).toMatchObject({ id: 'ann', scheme: 'jwt' });

    const mixed = contextFor('both', {
      headers: {
        authorization: 'Bearer later-good-ann',
        'x-api-key': 'good-bob',
      },
    });
    const error = await rejection(() => guard.canActivate(mixed.context));
    expect(error.message).toMatch(/different users/);
    expect(mixed.request.user).toBeUndefined();
  });

  it('challenges for every accepted scheme when nothing is presented', async () => {
    const error = await rejection(() =>
      guard.canActivate(contextFor('both', {}).context),
    );
    expect(error).toBeInstanceOf(UnauthorizedException);
    expect(error.challenges).toEqual([
      'Bearer realm="gatehouse"',
      'ApiKey header="X-API-Key"',
    ]);
  });

  it('refuses an invalid credential even when a valid one of another scheme is there', async () => {
    const { context } = contextFor('both', {
      headers: { authorization: 'Bearer forged', 'x-api-key': 'good-ann' },
    });
    const error = await rejection(() => guard.canActivate(context));
    expect(error.message).toBe('Invalid, expired or revoked access token');
    expect(error.challenges[0]).toContain('error="invalid_token"');
  });

  it('refuses a credential of a scheme the route does not accept', async () => {
    const { context } = contextFor('jwtOnly', {
      query: { api_key: 'good-ann' },
    });
    const error = await rejection(() => guard.canActivate(context));
    expect(error.message).toBe('This route accepts only: jwt');
  });

  it('hands a bearer token of the OAuth issuer to the oauth scheme', () => {
    const { context, request } = contextFor('bearers', {
      headers: { authorization: `Bearer ${OAUTH_TOKEN}` },
    });
    expect(guard.canActivate(context)).toBe(true);
    expect(request.user).toMatchObject({ scheme: 'oauth', clientId: 'gh_app' });
  });

  it('refuses an OAuth token where only jwt is accepted, saying so', async () => {
    const { context } = contextFor('jwtOnly', {
      headers: { authorization: `Bearer ${OAUTH_TOKEN}` },
    });
    const error = await rejection(() => guard.canActivate(context));
    expect(error.message).toBe(
      'This route does not accept OAuth access tokens; it accepts only: jwt',
    );
    expect(error.challenges).toEqual([
      expect.stringContaining('error="invalid_token"'),
    ]);
  });

  it('answers a Refusal with its own message, one Bearer challenge for jwt and oauth, and DPoP', async () => {
    const { context } = contextFor('bearers', {
      headers: { authorization: `Bearer ${OAUTH_TOKEN_REFUSED}` },
    });
    const error = await rejection(() => guard.canActivate(context));
    expect(error.message).toBe('Invalid DPoP proof: why');
    expect(error.challenges).toEqual([
      expect.stringContaining(
        'Bearer realm="gatehouse", error="invalid_token"',
      ),
      expect.stringMatching(/^DPoP algs="ES256 .*EdDSA/),
    ]);
  });

  it('refuses an Authorization scheme it does not speak', async () => {
    const { context } = contextFor('jwtOnly', {
      headers: { authorization: 'Digest good-ann' },
    });
    await rejection(() => guard.canActivate(context));
  });

  it('refuses two valid credentials of different users', async () => {
    const { context } = contextFor('both', {
      headers: { authorization: 'Bearer good-ann', 'x-api-key': 'good-bob' },
    });
    const error = await rejection(() => guard.canActivate(context));
    expect(error.message).toMatch(/different users/);
  });

  it('ignores a session cookie on a route that does not accept sessions', () => {
    const { context, request } = contextFor('jwtOnly', {
      headers: { authorization: 'Bearer good-ann' },
      cookies: { sid: 'whatever' },
    });
    expect(guard.canActivate(context)).toBe(true);
    expect(request.user?.id).toBe('ann');
  });
});

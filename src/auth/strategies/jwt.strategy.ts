import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import {
  Strategy,
  type StrategyOptionsWithRequest,
  type VerifyCallbackWithRequest,
} from 'passport-jwt';
import { AppConfig } from '../../config/app-config';
import {
  type AccessTokenClaims,
  isAccessTokenClaims,
  JWT_ALGORITHM,
  jwtKey,
} from '../../tokens/access-token.service';
import { SigningKeysService } from '../../signing-keys/signing-keys.service';
import { RevocationService } from '../../tokens/revocation.service';
import { isIssuedBefore } from '../../users/credential-epoch';
import { type UserAuthState, UsersService } from '../../users/users.service';
import { bearerToken } from '../guards/presented-credentials';
import { FULL_ACCESS } from '../scopes';
import {
  asError,
  type Validating,
  validateAndReport,
  type Verdict,
} from './strategy-verdict';
import { VerifiedTokenCache } from './verified-token-cache';

/** passport-jwt's typings say Express; it reads only `headers.authorization`, which Fastify's request has. */
type PassportRequest = Parameters<Strategy['authenticate']>[0];

/** The keystore, for ES256/EdDSA tokens; absent under HS256. */
type CachingJwtStrategyOptions = StrategyOptionsWithRequest & {
  keys: SigningKeysService | null;
};

/**
 * passport-jwt, skipping jsonwebtoken for a token it has verified before (the signature check
 * was about a fifth of the jwt route's CPU time): see VerifiedTokenCache for why that is safe.
 * ES256 and EdDSA tokens are verified by the keystore (jose) instead: jsonwebtoken, under
 * passport-jwt, knows no EdDSA, and cannot pick a key by `kid` without a second parse.
 */
class CachingJwtStrategy extends Strategy {
  private readonly verifiedTokens: VerifiedTokenCache;
  private readonly keys: SigningKeysService | null;
  private readonly expected: { issuer: string; audience: string };

  constructor(
    options: CachingJwtStrategyOptions,
    verifyClaims: VerifyCallbackWithRequest,
  ) {
    const verifiedTokens = new VerifiedTokenCache();
    // passport-jwt calls this only after jsonwebtoken verified the request's token: remember it
    // here, on the (rare) miss path, so a hit does not extract and look the token up twice.
    super(options, (request: PassportRequest, payload: unknown, done) => {
      if (isAccessTokenClaims(payload)) {
        verifiedTokens.remember(bearerToken(request)!, payload);
      }
      verifyClaims(request, payload, done);
    });
    this.verifiedTokens = verifiedTokens;
    this.keys = options.keys;
    this.expected = {
      issuer: options.issuer as string,
      audience: options.audience as string,
    };
    // A revoked key's tokens may sit in the cache: they must meet the keystore again.
    this.keys?.onRevoked(() => verifiedTokens.clear());
  }

  override authenticate(request: PassportRequest, options?: object): void {
    const token = bearerToken(request);
    // While another instance's key revocation might not have reached us, every token's key is
    // checked again (the keystore asks the database).
    const claims =
      token && (!this.keys || this.keys.trustworthy)
        ? this.verifiedTokens.get(token)
        : undefined;
    if (claims) {
      return this.report(request, claims);
    }
    if (!this.keys) {
      return super.authenticate(request, options);
    }
    if (!token) {
      return this.fail(401);
    }
    this.keys.verify(token, this.expected).then(
      (payload) => {
        if (!isAccessTokenClaims(payload)) {
          return this.fail(401);
        }
        this.verifiedTokens.remember(token, payload);
        this.report(request, payload);
      },
      (error: unknown) => this.error(asError(error)),
    );
  }

  private report(request: PassportRequest, claims: AccessTokenClaims): void {
    validateAndReport(
      this as unknown as Validating<[PassportRequest, unknown]>,
      request,
      claims,
    );
  }
}

/**
 * Bearer access tokens. The keystore (ES256, EdDSA) or passport-jwt (HS256) checks the
 * signature with the configured algorithms only (so `alg: none` and algorithm swaps fail),
 * `iss`, `aud` and `exp`; `validate` adds what a signature cannot tell: the token type, the
 * blacklist, and the user's current state.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(CachingJwtStrategy, 'jwt') {
  constructor(
    config: AppConfig,
    private readonly revocation: RevocationService,
    private readonly users: UsersService,
    keys: SigningKeysService,
  ) {
    super({
      keys: config.jwtAlgorithm === 'HS256' ? null : keys,
      jwtFromRequest: bearerToken,
      secretOrKey: jwtKey(config.jwtSecret) as unknown as Buffer,
      algorithms: [JWT_ALGORITHM],
      issuer: config.jwtIssuer,
      audience: config.jwtAudience,
      ignoreExpiration: false,
      passReqToCallback: true,
    });
  }

  /** Runs on every request, with claims jsonwebtoken has verified now or for an earlier request. */
  validate(
    _request: PassportRequest,
    payload: unknown,
  ): Verdict | Promise<Verdict> {
    // jsonwebtoken accepts a token without `exp`; ours always carry one, so its absence is forgery.
    if (!isAccessTokenClaims(payload)) {
      return null;
    }
    // Nearly always both answers are in memory: then no promise is made at all.
    const state = this.revocation.certainlyNotRevoked(payload.jti)
      ? this.users.cachedAuthState(payload.sub)
      : undefined;
    return state ? userFor(payload, state) : this.validateFromDatabase(payload);
  }

  private async validateFromDatabase(
    claims: AccessTokenClaims,
  ): Promise<Verdict> {
    if (await this.revocation.isRevoked(claims.jti)) {
      return null;
    }
    const state = await this.users.getAuthState(claims.sub);
    return state ? userFor(claims, state) : null;
  }
}

/** The request's user, if the account may still use a token with these claims. */
function userFor(claims: AccessTokenClaims, state: UserAuthState): Verdict {
  if (
    state.disabled ||
    (isIssuedBefore(claims.iat * 1000, state.tokensValidAfter) &&
      claims.jti !== state.tokensValidAfterExemptId)
  ) {
    return null;
  }
  return {
    id: state.id,
    username: state.username,
    roles: state.roles,
    scopes:
      claims.scope === FULL_ACCESS
        ? null
        : claims.scope.split(' ').filter(Boolean),
    scheme: 'jwt',
    credentialId: claims.jti,
    expiresAt: claims.exp,
    kind: 'user',
    clientId: null,
  };
}

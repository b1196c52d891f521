import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AppConfig } from '../../config/app-config';
import {
  isAccessTokenClaims,
  JWT_ALGORITHM,
  jwtKey,
} from '../../tokens/access-token.service';
import { RevocationService } from '../../tokens/revocation.service';
import { isIssuedBefore } from '../../users/credential-epoch';
import { UsersService } from '../../users/users.service';
import type { AuthenticatedUser } from '../authenticated-user';
import { FULL_ACCESS } from '../scopes';

/**
 * Bearer access tokens. passport-jwt checks the signature with the one configured algorithm
 * (so `alg: none` and algorithm swaps fail), `iss`, `aud` and `exp`; `validate` adds what a
 * signature cannot tell: the token type, the blacklist, and the user's current state.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    config: AppConfig,
    private readonly revocation: RevocationService,
    private readonly users: UsersService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: jwtKey(config.jwtSecret) as unknown as Buffer,
      algorithms: [JWT_ALGORITHM],
      issuer: config.jwtIssuer,
      audience: config.jwtAudience,
      ignoreExpiration: false,
    });
  }

  async validate(payload: unknown): Promise<AuthenticatedUser | null> {
    // jsonwebtoken accepts a token without `exp`; ours always carry one, so its absence is forgery.
    if (
      !isAccessTokenClaims(payload) ||
      (await this.revocation.isRevoked(payload.jti))
    ) {
      return null;
    }
    const state = await this.users.getAuthState(payload.sub);
    if (!state || state.disabled) {
      return null;
    }
    if (
      isIssuedBefore(payload.iat * 1000, state.tokensValidAfter) &&
      payload.jti !== state.tokensValidAfterExemptId
    ) {
      return null;
    }
    return {
      id: state.id,
      username: state.username,
      roles: state.roles,
      scopes:
        payload.scope === FULL_ACCESS
          ? null
          : payload.scope.split(' ').filter(Boolean),
      scheme: 'jwt',
      credentialId: payload.jti,
      expiresAt: payload.exp,
    };
  }
}

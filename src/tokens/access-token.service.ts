import { createSecretKey, type KeyObject, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../config/app-config';
import { SigningKeysService } from '../signing-keys/signing-keys.service';
import { accessTokenIssuedAt } from '../users/credential-epoch';
import type { Role } from '../users/user.entity';

export const ACCESS_TOKEN_TYPE = 'access';
/** The algorithm of JWT_ALGORITHM=HS256, where JWT_SECRET signs (through @nestjs/jwt). */
export const JWT_ALGORITHM = 'HS256';

/**
 * The HMAC key as a KeyObject, for signing and verifying alike. Given a string, jsonwebtoken
 * first tries to parse it as a PEM key, on every call, and only then makes a secret key of it:
 * most of a request's CPU. Its typings (and passport-jwt's, @nestjs/jwt's) predate KeyObject;
 * jsonwebtoken checks `instanceof KeyObject` at run time.
 */
export function jwtKey(secret: string): KeyObject {
  return createSecretKey(Buffer.from(secret));
}

/** The claims of our access tokens, as the contract lists them. */
export interface AccessTokenClaims {
  sub: string;
  username: string;
  roles: Role[];
  scope: string;
  jti: string;
  iat: number;
  exp: number;
  iss: string;
  aud: string;
  typ: typeof ACCESS_TOKEN_TYPE;
}

export interface IssuedAccessToken {
  token: string;
  jti: string;
  expiresIn: number;
  /** Its `exp` claim (seconds). */
  exp: number;
}

@Injectable()
export class AccessTokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
    private readonly signingKeys: SigningKeysService,
  ) {}

  /** `tokensValidAfter` is the user's cut-off: the token is stamped strictly after it. */
  sign(
    user: { id: string; username: string; roles: readonly Role[] },
    scope: string,
    tokensValidAfter: number,
  ): IssuedAccessToken {
    const jti = randomUUID();
    const iat = accessTokenIssuedAt(tokensValidAfter);
    const expiresIn = this.config.accessTokenTtlSeconds;
    const claims: Omit<AccessTokenClaims, 'iss' | 'aud'> = {
      sub: user.id,
      username: user.username,
      roles: [...user.roles],
      scope,
      jti,
      iat,
      exp: iat + expiresIn,
      typ: ACCESS_TOKEN_TYPE,
    };
    const token =
      this.config.jwtAlgorithm === 'HS256'
        ? this.jwt.sign(claims, {
            algorithm: JWT_ALGORITHM,
            issuer: this.config.jwtIssuer,
            audience: this.config.jwtAudience,
          })
        : this.signingKeys.sign({
            ...claims,
            iss: this.config.jwtIssuer,
            aud: this.config.jwtAudience,
          });
    return { token, jti, expiresIn, exp: claims.exp };
  }
}

/** Checks what a valid signature does not: the claims we rely on are there and of our kind. */
export function isAccessTokenClaims(
  payload: unknown,
): payload is AccessTokenClaims {
  const claims = payload as Partial<AccessTokenClaims> | null;
  return (
    typeof claims === 'object' &&
    claims !== null &&
    claims.typ === ACCESS_TOKEN_TYPE &&
    typeof claims.sub === 'string' &&
    typeof claims.jti === 'string' &&
    typeof claims.iat === 'number' &&
    typeof claims.exp === 'number' &&
    typeof claims.scope === 'string'
  );
}

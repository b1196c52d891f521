import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-strategy';
import { AppConfig } from '../../config/app-config';
import { SigningKeysService } from '../../signing-keys/signing-keys.service';
import { RevocationService } from '../../tokens/revocation.service';
import { type UserAuthState, UsersService } from '../../users/users.service';
import type { AuthenticatedUser } from '../authenticated-user';
import { bearerToken, dpopToken } from '../guards/presented-credentials';
import { dpopProofProblem, SeenDpopProofs } from './dpop-proof';
import {
  OAUTH_ACCESS_TOKEN_TYPE,
  type VerifiedOAuthToken,
  verifiedOAuthToken,
} from './oauth-access-token';
import {
  Refusal,
  type Validating,
  validateAndReport,
  type Verdict,
} from './strategy-verdict';
import { VerifiedTokenCache } from './verified-token-cache';

/** 'D' and 'd' alike. */
const DPOP_INITIAL = 'D'.charCodeAt(0) % 0x20;

const BOUND_SENT_AS_BEARER = new Refusal(
  "This access token is bound to a DPoP key: send it as 'Authorization: DPoP <token>' with a DPoP proof header",
);
const UNBOUND_SENT_AS_DPOP = new Refusal(
  "This access token is not DPoP-bound: send it as 'Authorization: Bearer <token>'",
);
const NO_KEYSTORE = new Refusal(
  'OAuth access tokens need asymmetric signing keys; under JWT_ALGORITHM=HS256 there are none',
);
const OPAQUE_TOKEN = new Refusal(
  'This access token is not a JWT: an opaque OAuth access token is good only at /oauth/userinfo; ask for an API scope (e.g. data:read) to get one for the API',
);
const NO_PROOF = new Refusal(
  'A DPoP-bound access token needs a DPoP proof in the DPoP header (one per request)',
);

/** Hands the request to `validate`, which answers from memory when it can. */
class OAuthAccessTokenStrategy extends Strategy {
  override authenticate(request: unknown): void {
    validateAndReport(
      this as unknown as Validating<[FastifyRequest]>,
      request as FastifyRequest,
    );
  }
}

/**
 * OAuth 2.0 access tokens issued by Gatehouse's provider for its own API: JWTs (`typ: at+jwt`)
 * signed by the keystore, `iss` ISSUER_URL, `aud` ISSUER_URL/api. As on the jwt path, a token's
 * verified claims are cached by its exact text (see VerifiedTokenCache), and what a signature
 * cannot tell is checked on every request: the blacklist (the token's jti, its grant, its
 * client) and the user's current state. A DPoP-bound token (`cnf.jkt`) needs a fresh proof on
 * every request, which no cache can spare (a proof replayed to this instance is refused).
 */
@Injectable()
export class OAuthStrategy extends PassportStrategy(
  OAuthAccessTokenStrategy,
  'oauth',
) {
  private readonly verifiedTokens =
    new VerifiedTokenCache<VerifiedOAuthToken>();
  private readonly seenProofs = new SeenDpopProofs();
  /** Client principals, one per cached token: they depend on nothing but the token. */
  private readonly clientPrincipals = new WeakMap<
    VerifiedOAuthToken,
    AuthenticatedUser
  >();
  private readonly expected: {
    issuer: string;
    audience: string;
    typ: string;
  };

  constructor(
    private readonly config: AppConfig,
    private readonly keys: SigningKeysService,
    private readonly revocation: RevocationService,
    private readonly users: UsersService,
  ) {
    super();
    this.expected = {
      issuer: config.issuerUrl,
      audience: config.oauthApiResource,
      typ: OAUTH_ACCESS_TOKEN_TYPE,
    };
    // A revoked key's tokens may sit in the cache: they must meet the keystore again.
    keys.onRevoked(() => this.verifiedTokens.clear());
  }

  validate(request: FastifyRequest): Verdict | Promise<Verdict> {
    // The guard sends only `Bearer` and `DPoP` here: the first letter tells them apart.
    const viaDpop =
      (request.headers.authorization?.charCodeAt(0) ?? 0) % 0x20 ===
      DPOP_INITIAL;
    const token = viaDpop ? dpopToken(request) : bearerToken(request);
    if (!token) {
      return null;
    }
    if (!this.keys.enabled) {
      return NO_KEYSTORE;
    }
    // While another instance's key revocation might not have reached us, every token's key is
    // checked again (the keystore asks the database).
    const verified = this.keys.trustworthy
      ? this.verifiedTokens.get(token)
      : undefined;
    return verified
      ? this.principalFor(request, token, viaDpop, verified)
      : this.verifyThenValidate(request, token, viaDpop);
  }

  private async verifyThenValidate(
    request: FastifyRequest,
    token: string,
    viaDpop: boolean,
  ): Promise<Verdict> {
    if (!token.includes('.')) {
      return OPAQUE_TOKEN;
    }
    const payload = await this.keys.verify(token, this.expected);
    const verified = payload && verifiedOAuthToken(payload);
    if (!verified) {
      return null;
    }
    this.verifiedTokens.remember(token, verified);
    return this.principalFor(request, token, viaDpop, verified);
  }

  private principalFor(
    request: FastifyRequest,
    token: string,
    viaDpop: boolean,
    verified: VerifiedOAuthToken,
  ): Verdict | Promise<Verdict> {
    if (verified.jkt !== null || viaDpop) {
      return this.checkBinding(request, token, viaDpop, verified);
    }
    return this.principalOf(verified);
  }

  private async checkBinding(
    request: FastifyRequest,
    token: string,
    viaDpop: boolean,
    verified: VerifiedOAuthToken,
  ): Promise<Verdict> {
    if (verified.jkt === null) {
      return UNBOUND_SENT_AS_DPOP;
    }
    if (!viaDpop) {
      return BOUND_SENT_AS_BEARER;
    }
    const proof = request.headers.dpop;
    if (typeof proof !== 'string' || proof.length === 0) {
      return NO_PROOF;
    }
    const problem = await dpopProofProblem(proof, {
      method: request.method,
      // The URL the client called: the API lives under the issuer (its resource is ISSUER_URL/api).
      url: `${this.config.issuerUrl}${request.url}`,
      accessToken: token,
      jkt: verified.jkt,
      seen: this.seenProofs,
    });
    if (problem !== null) {
      return new Refusal(`Invalid DPoP proof: ${problem}`);
    }
    return this.principalOf(verified);
  }

  /** The blacklist and the user's state, from memory when both are there (nearly always). */
  private principalOf(
    verified: VerifiedOAuthToken,
  ): Verdict | Promise<Verdict> {
    const keys = verified.revocationKeys;
    for (let i = 0; i < keys.length; i += 1) {
      if (!this.revocation.certainlyNotRevoked(keys[i])) {
        return this.principalFromDatabase(verified);
      }
    }
    if (verified.forClient) {
      return this.clientPrincipal(verified);
    }
    const state = this.users.cachedAuthState(verified.sub);
    return state
      ? userPrincipal(verified, state)
      : this.principalFromDatabase(verified);
  }

  private async principalFromDatabase(
    verified: VerifiedOAuthToken,
  ): Promise<Verdict> {
    for (const key of verified.revocationKeys) {
      if (await this.revocation.isRevoked(key)) {
        return null;
      }
    }
    if (verified.forClient) {
      return this.clientPrincipal(verified);
    }
    const state = await this.users.getAuthState(verified.sub);
    return state ? userPrincipal(verified, state) : null;
  }

  private clientPrincipal(verified: VerifiedOAuthToken): AuthenticatedUser {
    let principal = this.clientPrincipals.get(verified);
    if (!principal) {
      principal = Object.freeze({
        id: verified.clientId,
        username: verified.clientId,
        roles: Object.freeze([]),
        scopes: verified.scopes,
        scheme: 'oauth',
        credentialId: verified.jti,
        expiresAt: verified.exp,
        kind: 'client',
        clientId: verified.clientId,
      });
      this.clientPrincipals.set(verified, principal);
    }
    return principal;
  }
}

/** A user's token: the user as they are now (roles now; a disabled user is refused). */
function userPrincipal(
  verified: VerifiedOAuthToken,
  state: UserAuthState,
): Verdict {
  if (state.disabled) {
    return null;
  }
  return {
    id: state.id,
    username: state.username,
    roles: state.roles,
    scopes: verified.scopes,
    scheme: 'oauth',
    credentialId: verified.jti,
    expiresAt: verified.exp,
    kind: 'user',
    clientId: verified.clientId,
  };
}

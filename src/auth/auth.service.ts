import {
  BadRequestException,
  ForbiddenException,
  Injectable,
  Logger,
} from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { EmailVerificationService } from '../email-verification/email-verification.service';
import { FreshAuthService } from '../fresh-auth/fresh-auth.service';
import { UnauthorizedWithChallengeException } from '../common/http/unauthorized-with-challenge.exception';
import { AccessTokenService } from '../tokens/access-token.service';
import { SessionsService } from '../sessions/sessions.service';
import {
  RefreshTokensService,
  type SpentRefreshToken,
} from '../tokens/refresh-tokens.service';
import type { SuccessorPair } from '../tokens/successor-seal';
import { RevocationService } from '../tokens/revocation.service';
import { isIssuedBefore } from '../users/credential-epoch';
import { toUserResponse } from '../users/dto/user.response';
import { type NewUser, UsersService } from '../users/users.service';
import {
  type SecondFactorRequired,
  SignInService,
} from '../sign-in/sign-in.service';
import { challengeFor } from './auth-schemes';
import type { AuthenticatedUser } from './authenticated-user';
import { FULL_ACCESS } from './scopes';
import type {
  RegisteredResponse,
  TokenPairResponse,
  UnverifiedRegistrationResponse,
} from './dto/token-pair.response';

/** Account flows that span users and tokens: register, login, refresh, logout, password change. */
@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly users: UsersService,
    private readonly accessTokens: AccessTokenService,
    private readonly refreshTokens: RefreshTokensService,
    private readonly revocation: RevocationService,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
    private readonly emailVerification: EmailVerificationService,
    private readonly freshAuth: FreshAuthService,
    private readonly signIn: SignInService,
  ) {}

  /**
   * Under REQUIRE_VERIFIED_EMAIL an email is required and no tokens are issued: signing in
   * waits for the emailed link, as for any other sign-in.
   */
  async register(
    input: NewUser,
  ): Promise<RegisteredResponse | UnverifiedRegistrationResponse> {
    if (this.emailVerification.required && !input.email) {
      throw new BadRequestException(
        'email is required: this server signs in only accounts whose email address is verified (REQUIRE_VERIFIED_EMAIL)',
      );
    }
    const user = await this.users.create(input);
    this.audit.record({
      type: 'register',
      outcome: 'success',
      userId: user.id,
      username: user.username,
    });
    await this.emailVerification.sendForNewAccount(user);
    if (this.emailVerification.required) {
      return {
        user: toUserResponse(user),
        message: `Follow the link sent to ${user.email} to verify it, then sign in`,
      };
    }
    return {
      user: toUserResponse(user),
      ...(await this.signIn.issueTokens(user)),
    };
  }

  /**
   * The password step: tokens, or for an account with a second factor the challenge of the
   * second step (POST /api/login/second-factor).
   */
  login(
    username: string,
    password: string,
  ): Promise<TokenPairResponse | SecondFactorRequired> {
    return this.signIn.passwordForTokens(username, password);
  }

  async refresh(token: string): Promise<TokenPairResponse> {
    const spend = await this.refreshTokens.spend(token);
    if (spend.outcome === 'reused') {
      this.logger.warn({
        msg: 'refresh token reused: family revoked',
        user_id: spend.userId,
        family_id: spend.familyId,
      });
      // Whoever replayed it is unknown: the owner, or someone who stole the token.
      this.audit.record({
        type: 'refresh_token_reuse',
        outcome: 'failure',
        userId: spend.userId,
        actorId: null,
        details: { family_id: spend.familyId },
      });
    }
    if (spend.outcome === 'replayed') {
      return this.answerReplay(spend.token, spend.pair);
    }
    if (spend.outcome !== 'spent') {
      throw refreshRejected();
    }
    const spent = spend.token;
    const state = await this.users.getAuthState(spent.userId);
    if (
      !state ||
      state.disabled ||
      isIssuedBefore(spent.issuedAt, state.tokensValidAfter)
    ) {
      await this.refreshTokens.revokeFamily(spent.familyId);
      throw refreshRejected();
    }
    const successor = await this.refreshTokens.issueSuccessor(
      spent,
      state.tokensValidAfter,
    );
    if (!successor) {
      throw refreshRejected();
    }
    const access = this.accessTokens.sign(
      state,
      FULL_ACCESS,
      state.tokensValidAfter,
    );
    await this.refreshTokens.sealSuccessor(spent, token, {
      accessToken: access.token,
      refreshToken: successor,
      jti: access.jti,
      exp: access.exp,
    });
    return pair(access.token, successor, access.expiresIn);
  }

  /**
   * A spent refresh token presented again within the grace: the same pair its first use got, so
   * racing requests all carry on with one live refresh token. Whatever was revoked since (the
   * access token by a logout, the user's credentials, the account) is not brought back.
   */
  private async answerReplay(
    spent: SpentRefreshToken,
    successor: SuccessorPair,
  ): Promise<TokenPairResponse> {
    const state = await this.users.getAuthState(spent.userId);
    const expiresIn = successor.exp - Math.floor(Date.now() / 1000);
    const refusal =
      !state || state.disabled
        ? 'account_disabled'
        : isIssuedBefore(spent.issuedAt, state.tokensValidAfter)
          ? 'credentials_revoked'
          : expiresIn <= 0
            ? 'access_token_expired'
            : (await this.revocation.isRevoked(successor.jti))
              ? 'access_token_revoked'
              : null;
    // Who replayed it is unknown: most likely the owner's racing request or retry.
    this.audit.record({
      type: 'refresh_token_replay',
      outcome: refusal ? 'failure' : 'success',
      userId: spent.userId,
      actorId: null,
      details: { family_id: spent.familyId, reason: refusal },
    });
    if (refusal) {
      throw refreshRejected();
    }
    // The same tokens; expires_in is what is left of the access token's life.
    return pair(successor.accessToken, successor.refreshToken, expiresIn);
  }

  /** Revokes this access token and, when given and the caller's, that refresh token's family. */
  async logout(
    user: AuthenticatedUser,
    refreshToken: string | undefined,
  ): Promise<void> {
    if (user.credentialId && user.expiresAt) {
      await this.revocation.revoke(user.credentialId, user.expiresAt);
    }
    let familyId: string | null = null;
    if (refreshToken) {
      familyId = await this.refreshTokens.familyOf(refreshToken, user.id);
      if (familyId) {
        await this.refreshTokens.revokeFamily(familyId);
      }
    }
    this.audit.record({
      type: 'logout',
      outcome: 'success',
      userId: user.id,
      username: user.username,
      details: { scheme: user.scheme, refresh_family_id: familyId },
    });
  }

  async logoutEverywhere(user: AuthenticatedUser): Promise<void> {
    await this.users.revokeAllCredentials(user.id);
    await this.refreshTokens.revokeAllOf(user.id);
    await this.sessions.revokeAllOf(user.id);
    this.audit.record({
      type: 'logout_all',
      outcome: 'success',
      userId: user.id,
      username: user.username,
      details: { scheme: user.scheme },
    });
  }

  /** Everything the user holds stops working, except the very credential making this request. */
  async changePassword(
    user: AuthenticatedUser,
    currentPassword: string,
    newPassword: string,
  ): Promise<void> {
    await this.freshAuth.assertFresh(user);
    if (!(await this.users.passwordMatches(user.id, currentPassword))) {
      this.audit.record({
        type: 'password_change',
        outcome: 'failure',
        userId: user.id,
        username: user.username,
        details: { scheme: user.scheme, reason: 'current_password' },
      });
      throw new ForbiddenException('current_password is incorrect');
    }
    if (currentPassword === newPassword) {
      throw new BadRequestException(
        'new_password must differ from current_password',
      );
    }
    await this.users.setPassword(user.id, newPassword);
    const keep =
      user.scheme === 'jwt' || user.scheme === 'session'
        ? user.credentialId
        : null;
    await this.users.revokeAllCredentials(user.id, keep);
    await this.refreshTokens.revokeAllOf(user.id);
    await this.sessions.revokeAllOf(
      user.id,
      user.scheme === 'session' ? user.credentialId : null,
    );
    this.audit.record({
      type: 'password_change',
      outcome: 'success',
      userId: user.id,
      username: user.username,
      details: { scheme: user.scheme },
    });
  }
}

function pair(
  accessToken: string,
  refreshToken: string,
  expiresIn: number,
): TokenPairResponse {
  return {
    access_token: accessToken,
    refresh_token: refreshToken,
    token_type: 'Bearer',
    expires_in: expiresIn,
  };
}

function refreshRejected(): UnauthorizedWithChallengeException {
  return new UnauthorizedWithChallengeException(
    'Invalid, expired or already used refresh token',
    [challengeFor('jwt', true)],
  );
}

import { Injectable } from '@nestjs/common';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { AuditService } from '../audit/audit.service';
import { challengeFor } from '../auth/auth-schemes';
import type { TokenPairResponse } from '../auth/dto/token-pair.response';
import { FULL_ACCESS } from '../auth/scopes';
import { UnauthorizedWithChallengeException } from '../common/http/unauthorized-with-challenge.exception';
import { FreshAuthService } from '../fresh-auth/fresh-auth.service';
import { PasskeysService } from '../passkeys/passkeys.service';
import { LoginLockoutService } from '../rate-limit/login-lockout.service';
import { SecondFactorsService } from '../second-factors/second-factors.service';
import { SessionsService } from '../sessions/sessions.service';
import { AccessTokenService } from '../tokens/access-token.service';
import { RefreshTokensService } from '../tokens/refresh-tokens.service';
import { toUserResponse, type UserResponse } from '../users/dto/user.response';
import type { Role, User } from '../users/user.entity';
import { normalizeUsername } from '../users/username';
import { UsersService } from '../users/users.service';
import type { SignInPurpose } from './sign-in-challenge.entity';
import { SignInChallengesService } from './sign-in-challenges.service';

export type SecondFactorMethod = 'totp' | 'recovery_code' | 'passkey';

/** What /api/login and /api/session answer, instead of tokens or a session, for an account with a second factor. */
export interface SecondFactorRequired {
  second_factor_required: true;
  challenge_token: string;
  expires_in: number;
  methods: SecondFactorMethod[];
  passkey_options: PublicKeyCredentialRequestOptionsJSON | null;
}

/** One answer to a challenge (or a re-authentication): a code, a recovery code or a passkey assertion. */
export interface FactorAnswer {
  code?: string;
  recovery_code?: string;
  passkey?: unknown;
}

/** A session just made: its id, the cookie's token, and what the response body carries. */
export interface StartedSession {
  id: string;
  token: string;
  body: { user: UserResponse; csrf_token: string };
}

interface SignedInUser {
  id: string;
  username: string;
  roles: readonly Role[];
  tokensValidAfter: number;
}

/** Where the client is; a session remembers it. */
export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

/** How a sign-in ended: the audit's `login` details. */
interface Completion {
  secondFactor?: SecondFactorMethod;
  passkeyOnly?: boolean;
}

const INVALID_CHALLENGE =
  'challenge_token is invalid, expired or already used: sign in again';

/**
 * Signing in, in every form: the password step (which ends in a challenge for an account with a
 * second factor), the second step, and the passkey alone. `complete*` is the one place a sign-in
 * becomes tokens or a session: fresh authentication is recorded and the `login` audited there.
 */
@Injectable()
export class SignInService {
  constructor(
    private readonly users: UsersService,
    private readonly accessTokens: AccessTokenService,
    private readonly refreshTokens: RefreshTokensService,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
    private readonly freshAuth: FreshAuthService,
    private readonly lockout: LoginLockoutService,
    private readonly challenges: SignInChallengesService,
    private readonly secondFactors: SecondFactorsService,
    private readonly passkeys: PasskeysService,
  ) {}

  /** The password step of /api/login: a token pair, or the challenge of the second step. */
  async passwordForTokens(
    username: string,
    password: string,
  ): Promise<TokenPairResponse | SecondFactorRequired> {
    const user = await this.checkPassword(username, password, 'jwt');
    return (
      (await this.challengeIfNeeded(user.id, 'tokens')) ??
      this.completeWithTokens(user, {})
    );
  }

  /** The password step of /api/session: a session, or the challenge of the second step. */
  async passwordForSession(
    username: string,
    password: string,
    client: ClientInfo,
  ): Promise<StartedSession | SecondFactorRequired> {
    const user = await this.checkPassword(username, password, 'session');
    return (
      (await this.challengeIfNeeded(user.id, 'session')) ??
      this.completeWithSession(user, client, {})
    );
  }

  async secondStepForTokens(
    challengeToken: string,
    answer: FactorAnswer,
  ): Promise<TokenPairResponse> {
    const { user, method } = await this.answerChallenge(
      challengeToken,
      answer,
      'tokens',
    );
    return this.completeWithTokens(user, { secondFactor: method });
  }

  async secondStepForSession(
    challengeToken: string,
    answer: FactorAnswer,
    client: ClientInfo,
  ): Promise<StartedSession> {
    const { user, method } = await this.answerChallenge(
      challengeToken,
      answer,
      'session',
    );
    return this.completeWithSession(user, client, { secondFactor: method });
  }

  /** Options for a passkey-only sign-in: any discoverable passkey of this relying party. */
  async passkeyOptions(): Promise<{
    ceremony_id: string;
    options: PublicKeyCredentialRequestOptionsJSON;
  }> {
    const { ceremonyId, options } =
      await this.passkeys.authenticationOptions(null);
    return { ceremony_id: ceremonyId, options };
  }

  async passkeyForTokens(
    ceremonyId: string,
    credential: unknown,
  ): Promise<TokenPairResponse> {
    const user = await this.verifyPasskeyAlone(ceremonyId, credential, 'jwt');
    return this.completeWithTokens(user, {
      secondFactor: 'passkey',
      passkeyOnly: true,
    });
  }

  async passkeyForSession(
    ceremonyId: string,
    credential: unknown,
    client: ClientInfo,
  ): Promise<StartedSession> {
    const user = await this.verifyPasskeyAlone(
      ceremonyId,
      credential,
      'session',
    );
    return this.completeWithSession(user, client, {
      secondFactor: 'passkey',
      passkeyOnly: true,
    });
  }

  /** "Has a second factor": a confirmed TOTP authenticator or at least one passkey. */
  async hasSecondFactor(userId: string): Promise<boolean> {
    const [totp, passkeys] = await Promise.all([
      this.secondFactors.hasTotp(userId),
      this.passkeys.countFor(userId),
    ]);
    return totp || passkeys > 0;
  }

  /**
   * A sign-in is complete: an access token and a refresh token, fresh authentication recorded
   * for the access token, the `login` audited. Registration and every sign-in path end here.
   */
  async issueTokens(user: SignedInUser): Promise<TokenPairResponse> {
    const access = this.accessTokens.sign(
      user,
      FULL_ACCESS,
      user.tokensValidAfter,
    );
    const refreshToken = await this.refreshTokens.issue(
      user.id,
      user.tokensValidAfter,
    );
    // A token from a sign-in may take sensitive actions for a while; its refreshed successors may not.
    await this.freshAuth.record(user.id, access.jti);
    return {
      access_token: access.token,
      refresh_token: refreshToken,
      token_type: 'Bearer',
      expires_in: access.expiresIn,
    };
  }

  private async completeWithTokens(
    user: User,
    completion: Completion,
  ): Promise<TokenPairResponse> {
    const pair = await this.issueTokens(user);
    this.auditLogin(user, 'jwt', completion, {});
    return pair;
  }

  /** A sign-in is complete as a cookie session (the controller sets the cookie). */
  async completeWithSession(
    user: User,
    client: ClientInfo,
    completion: Completion,
    extraDetails: Record<string, unknown> = {},
  ): Promise<StartedSession> {
    const session = await this.sessions.create(
      user.id,
      user.tokensValidAfter,
      client,
    );
    await this.freshAuth.record(user.id, session.id);
    this.auditLogin(user, 'session', completion, {
      session_id: session.id,
      ...extraDetails,
    });
    return {
      id: session.id,
      token: session.token,
      body: { user: toUserResponse(user), csrf_token: session.csrfToken },
    };
  }

  private auditLogin(
    user: User,
    scheme: 'jwt' | 'session',
    completion: Completion,
    extra: Record<string, unknown>,
  ): void {
    this.audit.record({
      type: 'login',
      outcome: 'success',
      userId: user.id,
      username: user.username,
      details: {
        scheme,
        ...extra,
        ...(completion.secondFactor
          ? { second_factor: completion.secondFactor }
          : {}),
        ...(completion.passkeyOnly ? { passkey_only: true } : {}),
      },
    });
  }

  /** One message for an unknown user, a wrong password and a disabled account. */
  private async checkPassword(
    username: string,
    password: string,
    scheme: 'jwt' | 'session',
  ): Promise<User> {
    const user = await this.users.verifyPassword(username, password);
    if (!user) {
      this.audit.record({
        type: 'login',
        outcome: 'failure',
        username: normalizeUsername(username),
        details: { scheme },
      });
      throw new UnauthorizedWithChallengeException(
        'Invalid username or password',
        [challengeFor(scheme === 'jwt' ? 'basic' : 'session', false)],
      );
    }
    return user;
  }

  /** The challenge for the second step when the account has a second factor, else null. */
  async challengeIfNeeded(
    userId: string,
    purpose: SignInPurpose,
  ): Promise<SecondFactorRequired | null> {
    const [totp, recoveryCodes, passkeys] = await Promise.all([
      this.secondFactors.hasTotp(userId),
      this.secondFactors.remainingRecoveryCodes(userId),
      this.passkeys.countFor(userId),
    ]);
    if (!totp && passkeys === 0) {
      return null;
    }
    const methods: SecondFactorMethod[] = [];
    if (totp) {
      methods.push('totp');
    }
    if (recoveryCodes > 0) {
      methods.push('recovery_code');
    }
    let passkeyOptions: PublicKeyCredentialRequestOptionsJSON | null = null;
    let ceremonyId: string | null = null;
    if (passkeys > 0) {
      methods.push('passkey');
      const started = await this.passkeys.authenticationOptions(userId);
      passkeyOptions = started.options;
      ceremonyId = started.ceremonyId;
    }
    const challenge = await this.challenges.issue(userId, purpose, ceremonyId);
    return {
      second_factor_required: true,
      challenge_token: challenge.token,
      expires_in: challenge.expiresIn,
      methods,
      passkey_options: passkeyOptions,
    };
  }

  /**
   * Checks the answer to a live challenge of this purpose. A wrong answer counts against the
   * challenge (it dies at the limit) and against the login lockout like a wrong password; a
   * right one spends the challenge.
   */
  private async answerChallenge(
    challengeToken: string,
    answer: FactorAnswer,
    purpose: SignInPurpose,
  ): Promise<{ user: User; method: SecondFactorMethod }> {
    const scheme = purpose === 'tokens' ? 'jwt' : 'session';
    const invalid = () =>
      new UnauthorizedWithChallengeException(INVALID_CHALLENGE, [
        challengeFor(scheme === 'jwt' ? 'basic' : 'session', false),
      ]);
    const challenge = await this.challenges.find(challengeToken);
    if (!challenge || challenge.purpose !== purpose) {
      throw invalid();
    }
    const user = await this.users.findById(challenge.userId);
    if (!user || user.disabled) {
      throw invalid();
    }
    const method = await this.lockout.attempt(user.username, () =>
      this.verifyAnswer(user.id, answer, challenge.passkeyCeremonyId),
    );
    if (!method) {
      await this.challenges.recordFailure(challenge.id);
      this.audit.record({
        type: 'second_factor_failed',
        outcome: 'failure',
        userId: user.id,
        username: user.username,
        details: { scheme, method: answerKind(answer) },
      });
      throw new UnauthorizedWithChallengeException(wrongAnswer(answer), [
        challengeFor(scheme === 'jwt' ? 'basic' : 'session', false),
      ]);
    }
    if (!(await this.challenges.consume(challenge.id))) {
      throw invalid();
    }
    return { user, method };
  }

  /**
   * Which factor `answer` proved for `userId`, or null. `ceremonyId` is the passkey ceremony
   * the answer must belong to (the challenge's, or a re-authentication's).
   */
  async verifyAnswer(
    userId: string,
    answer: FactorAnswer,
    ceremonyId: string | null,
  ): Promise<SecondFactorMethod | null> {
    if (answer.passkey !== undefined) {
      if (!ceremonyId) {
        return null;
      }
      const verified = await this.passkeys.verifyAuthentication(
        ceremonyId,
        answer.passkey,
        userId,
      );
      return verified ? 'passkey' : null;
    }
    const code = answer.code ?? answer.recovery_code;
    if (code === undefined) {
      return null;
    }
    return this.secondFactors.verifyCode(userId, code);
  }

  private async verifyPasskeyAlone(
    ceremonyId: string,
    credential: unknown,
    scheme: 'jwt' | 'session',
  ): Promise<User> {
    const verified = await this.passkeys.verifyAuthentication(
      ceremonyId,
      credential,
      null,
    );
    const user = verified ? await this.users.findById(verified.userId) : null;
    if (!user || user.disabled) {
      this.audit.record({
        type: 'login',
        outcome: 'failure',
        userId: user?.id ?? null,
        username: user?.username ?? null,
        details: { scheme, passkey_only: true },
      });
      throw new UnauthorizedWithChallengeException(
        'The passkey was not accepted: start again with POST /api/passkeys/authentication-options',
        [challengeFor(scheme === 'jwt' ? 'basic' : 'session', false)],
      );
    }
    return user;
  }
}

function answerKind(answer: FactorAnswer): SecondFactorMethod {
  if (answer.passkey !== undefined) {
    return 'passkey';
  }
  return answer.recovery_code !== undefined ? 'recovery_code' : 'totp';
}

/** Names the field that was wrong. */
export function wrongAnswer(answer: FactorAnswer): string {
  if (answer.passkey !== undefined) {
    return 'passkey was not accepted';
  }
  return answer.recovery_code !== undefined
    ? 'recovery_code is incorrect'
    : 'code is incorrect';
}

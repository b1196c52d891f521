import {
  ConflictException,
  ForbiddenException,
  Injectable,
} from '@nestjs/common';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { AuditService } from '../audit/audit.service';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { FreshAuthService } from '../fresh-auth/fresh-auth.service';
import { PasskeysService } from '../passkeys/passkeys.service';
import { LoginLockoutService } from '../rate-limit/login-lockout.service';
import { UsersService } from '../users/users.service';
import {
  type FactorAnswer,
  SignInService,
  wrongAnswer,
} from './sign-in.service';

export interface ReauthenticationAnswer extends FactorAnswer {
  password?: string;
  ceremony_id?: string;
}

/**
 * "Confirm it is you": the credential making the request (an access token or a session) proves
 * its user present again, with the password or a factor, and may take sensitive actions for
 * FRESH_AUTH_WINDOW. Wrong answers count against the login lockout like wrong passwords.
 */
@Injectable()
export class ReauthenticationService {
  constructor(
    private readonly users: UsersService,
    private readonly signIn: SignInService,
    private readonly passkeys: PasskeysService,
    private readonly lockout: LoginLockoutService,
    private readonly freshAuth: FreshAuthService,
    private readonly audit: AuditService,
  ) {}

  async passkeyOptions(user: AuthenticatedUser): Promise<{
    ceremony_id: string;
    options: PublicKeyCredentialRequestOptionsJSON;
  }> {
    if ((await this.passkeys.countFor(user.id)) === 0) {
      throw new ConflictException(
        'This account has no passkey: re-authenticate with the password or a code',
      );
    }
    const { ceremonyId, options } = await this.passkeys.authenticationOptions(
      user.id,
    );
    return { ceremony_id: ceremonyId, options };
  }

  async reauthenticate(
    user: AuthenticatedUser,
    answer: ReauthenticationAnswer,
  ): Promise<void> {
    const method = answer.password !== undefined ? 'password' : null;
    const proved =
      answer.password !== undefined
        ? await this.users.passwordMatches(user.id, answer.password)
        : (await this.lockout.attempt(user.username, () =>
            this.signIn.verifyAnswer(
              user.id,
              answer,
              answer.ceremony_id ?? null,
            ),
          )) !== null;
    const kind =
      method ??
      (answer.passkey !== undefined
        ? 'passkey'
        : answer.recovery_code !== undefined
          ? 'recovery_code'
          : 'code');
    this.audit.record({
      type: 'reauthenticated',
      outcome: proved ? 'success' : 'failure',
      userId: user.id,
      username: user.username,
      details: { scheme: user.scheme, method: kind },
    });
    if (!proved) {
      throw new ForbiddenException(
        method ? 'password is incorrect' : wrongAnswer(answer),
      );
    }
    // Only the credential making the request becomes fresh, not the user's others.
    await this.freshAuth.record(user.id, user.credentialId ?? '');
  }
}

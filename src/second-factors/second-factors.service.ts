import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Injectable,
} from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { FreshAuthService } from '../fresh-auth/fresh-auth.service';
import { LoginLockoutService } from '../rate-limit/login-lockout.service';
import { UsersService } from '../users/users.service';
import { RecoveryCodesService } from './recovery-codes/recovery-codes.service';
import { looksLikeTotpCode } from './totp/totp-code';
import {
  type TotpEnrolment,
  TotpService,
  type TotpStatus,
} from './totp/totp.service';

export type SecondFactorCodeKind = 'totp' | 'recovery_code';

/**
 * The name code guesses are counted under in `LoginLockoutService.attempt`. Not the bare
 * username: a right password clears that name's failures, so someone who holds the password
 * could sign in again between guesses and never be locked. Usernames hold no ':', so this
 * cannot be anyone's username.
 */
export function codeGuessLockoutName(username: string): string {
  return `second-factor:${username}`;
}

export interface SecondFactorsStatus {
  totp: TotpStatus;
  recoveryCodesRemaining: number;
}

/**
 * A user's TOTP authenticator and recovery codes, as the rest of the app sees them: the
 * sign-in's second step and the admin reset use this, never the tables.
 */
@Injectable()
export class SecondFactorsService {
  constructor(
    private readonly totp: TotpService,
    private readonly recoveryCodes: RecoveryCodesService,
    private readonly users: UsersService,
    private readonly audit: AuditService,
    private readonly lockout: LoginLockoutService,
    private readonly freshAuth: FreshAuthService,
  ) {}

  /** Whether the user has a confirmed TOTP authenticator (an unconfirmed enrolment is not one). */
  hasTotp(userId: string): Promise<boolean> {
    return this.totp.isEnabled(userId);
  }

  /**
   * What `code` is, if it is right: a TOTP code of the user's authenticator whose time step was
   * not used yet (it is now), or one of the user's unused recovery codes (spent by this call,
   * audited `recovery_code_used`); null otherwise. Counts nothing against the login lockout:
   * callers taking codes from a client run this inside `LoginLockoutService.attempt`, under
   * `codeGuessLockoutName(username)`.
   */
  async verifyCode(
    userId: string,
    code: string,
  ): Promise<SecondFactorCodeKind | null> {
    if (looksLikeTotpCode(code)) {
      return (await this.totp.verify(userId, code)) ? 'totp' : null;
    }
    if (!(await this.recoveryCodes.spend(userId, code))) {
      return null;
    }
    const [user, remaining] = await Promise.all([
      this.users.findById(userId),
      this.recoveryCodes.remaining(userId),
    ]);
    this.audit.record({
      type: 'recovery_code_used',
      outcome: 'success',
      userId,
      username: user?.username ?? null,
      details: { remaining },
    });
    return 'recovery_code';
  }

  remainingRecoveryCodes(userId: string): Promise<number> {
    return this.recoveryCodes.remaining(userId);
  }

  /**
   * Removes the user's TOTP authenticator (confirmed or not) and recovery codes, and drops the
   * user's cached state so remembered Basic pairs are checked again. Auditing is the caller's:
   * it knows who acted and why.
   */
  async resetAll(userId: string): Promise<void> {
    await this.totp.remove(userId);
    await this.recoveryCodes.removeAll(userId);
    await this.users.forgetCachedState(userId);
  }

  async status(userId: string): Promise<SecondFactorsStatus> {
    const [totp, recoveryCodesRemaining] = await Promise.all([
      this.totp.status(userId),
      this.recoveryCodes.remaining(userId),
    ]);
    return { totp, recoveryCodesRemaining };
  }

  /**
   * Starts (or restarts) a TOTP enrolment; 409 while TOTP is on. Needs a fresh sign-in: with a
   * stolen session alone, someone could otherwise tie the account to their own authenticator
   * and lock its owner out at the next sign-in.
   */
  async enrolTotp(user: AuthenticatedUser): Promise<TotpEnrolment> {
    await this.freshAuth.assertFresh(user);
    return this.totp.startEnrolment(user.id, user.username);
  }

  /**
   * Turns TOTP on with the enrolment's first code and answers a new set of recovery codes;
   * 400 and nothing changed when the code is wrong.
   */
  async confirmTotp(user: AuthenticatedUser, code: string): Promise<string[]> {
    if (!(await this.totp.confirm(user.id, code))) {
      throw new BadRequestException('code is incorrect');
    }
    const codes = await this.recoveryCodes.regenerate(user.id);
    await this.users.forgetCachedState(user.id);
    this.record(user, 'totp_enabled', 'success');
    this.record(user, 'recovery_codes_generated', 'success', {
      count: codes.length,
    });
    return codes;
  }

  /**
   * Turns TOTP off, and with it the recovery codes. Takes the password (an account without one
   * needs a fresh sign-in instead) and a TOTP or recovery code; both are guesses an attacker
   * holding a stolen session would make, so both count against the login lockout (codes under
   * a name of their own, see `codeGuessLockoutName`).
   */
  async disableTotp(
    user: AuthenticatedUser,
    password: string | undefined,
    code: string,
  ): Promise<void> {
    if (!(await this.totp.isEnabled(user.id))) {
      throw new ConflictException('TOTP is not on for this account');
    }
    if (await this.users.hasPassword(user.id)) {
      if (password === undefined) {
        throw new BadRequestException(
          'password is required: send the account’s password with the code',
        );
      }
      if (!(await this.users.passwordMatches(user.id, password))) {
        this.record(user, 'totp_disabled', 'failure', { reason: 'password' });
        throw new ForbiddenException('password is incorrect');
      }
    } else {
      await this.freshAuth.assertFresh(user);
    }
    const kind = await this.lockout.attempt(
      codeGuessLockoutName(user.username),
      () => this.verifyCode(user.id, code),
    );
    if (kind === null) {
      this.record(user, 'totp_disabled', 'failure', { reason: 'code' });
      throw new ForbiddenException('code is incorrect');
    }
    await this.resetAll(user.id);
    this.record(user, 'totp_disabled', 'success', { method: kind });
  }

  /** A new set of recovery codes (the old ones die); needs a fresh sign-in and TOTP on. */
  async regenerateRecoveryCodes(user: AuthenticatedUser): Promise<string[]> {
    await this.freshAuth.assertFresh(user);
    if (!(await this.totp.isEnabled(user.id))) {
      throw new ConflictException(
        'TOTP is not on for this account: recovery codes come with it',
      );
    }
    const codes = await this.recoveryCodes.regenerate(user.id);
    this.record(user, 'recovery_codes_generated', 'success', {
      count: codes.length,
    });
    return codes;
  }

  private record(
    user: AuthenticatedUser,
    type: 'totp_enabled' | 'totp_disabled' | 'recovery_codes_generated',
    outcome: 'success' | 'failure',
    details: Record<string, string | number> = {},
  ): void {
    this.audit.record({
      type,
      outcome,
      userId: user.id,
      username: user.username,
      details: { scheme: user.scheme, ...details },
    });
  }
}

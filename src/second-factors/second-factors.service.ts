import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { UsersService } from '../users/users.service';
import { RecoveryCodesService } from './recovery-codes/recovery-codes.service';
import { looksLikeTotpCode } from './totp/totp-code';
import { TotpService, type TotpStatus } from './totp/totp.service';

export type SecondFactorCodeKind = 'totp' | 'recovery_code';

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
  ) {}

  /** Whether the user has a confirmed TOTP authenticator (an unconfirmed enrolment is not one). */
  hasTotp(userId: string): Promise<boolean> {
    return this.totp.isEnabled(userId);
  }

  /**
   * What `code` is, if it is right: a TOTP code of the user's authenticator whose time step was
   * not used yet (it is now), or one of the user's unused recovery codes (spent by this call,
   * audited `recovery_code_used`); null otherwise. Counts nothing against the login lockout:
   * callers taking codes from a client run this inside `LoginLockoutService.attempt`.
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
}

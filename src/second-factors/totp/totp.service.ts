import { ConflictException, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { uniqueViolationColumn } from '../../database/unique-violation';
import { SecondFactorKeys } from '../second-factor-keys';
import { TotpFactor } from './totp-factor.entity';
import { matchingTimeStep, newTotpSecret, otpauthUri } from './totp-code';
import { openTotpSecret, sealTotpSecret } from './totp-secret-seal';

export interface TotpEnrolment {
  secret: string;
  otpauthUri: string;
  qrCode: string;
}

export interface TotpStatus {
  enabled: boolean;
  pending: boolean;
}

/** The totp_factors table: enrolment, confirmation and replay-safe code checks. */
@Injectable()
export class TotpService {
  private readonly logger = new Logger(TotpService.name);
  /** Names the deployment in authenticator apps, which list many accounts. */
  private readonly issuer: string;

  constructor(
    @InjectRepository(TotpFactor)
    private readonly factors: Repository<TotpFactor>,
    private readonly keys: SecondFactorKeys,
    config: AppConfig,
  ) {
    this.issuer = new URL(config.issuerUrl).hostname;
  }

  async status(userId: string): Promise<TotpStatus> {
    const factor = await this.factors.findOne({
      where: { userId },
      select: { userId: true, confirmedAt: true },
    });
    return {
      enabled: factor !== null && factor.confirmedAt !== null,
      pending: factor !== null && factor.confirmedAt === null,
    };
  }

  async isEnabled(userId: string): Promise<boolean> {
    return (await this.status(userId)).enabled;
  }

  /**
   * Starts an enrolment, or restarts an unconfirmed one with a new secret (the old QR code
   * stops working). 409 while TOTP is on: it must be turned off first, with a code.
   */
  async startEnrolment(
    userId: string,
    account: string,
  ): Promise<TotpEnrolment> {
    const secret = newTotpSecret();
    const sealedSecret = sealTotpSecret(this.keys.totpSealing, userId, secret);
    // Only an unconfirmed row is replaced: one conditional statement, so an enrolment confirmed
    // meanwhile is never overwritten.
    const replaced = await this.factors
      .createQueryBuilder()
      .update(TotpFactor)
      .set({ sealedSecret, lastUsedStep: null })
      .where('user_id = :userId AND confirmed_at IS NULL', { userId })
      .execute();
    if ((replaced.affected ?? 0) === 0) {
      try {
        await this.factors.insert({
          userId,
          sealedSecret,
          confirmedAt: null,
          lastUsedStep: null,
        });
      } catch (error) {
        if (uniqueViolationColumn(error) === null) {
          throw error;
        }
        throw new ConflictException(
          'TOTP is already on for this account: turn it off first with DELETE /api/second-factors/totp',
        );
      }
    }
    const uri = otpauthUri(secret, this.issuer, account);
    // Loaded at the first enrolment, not at start: most requests never draw a QR code.
    const { toDataURL } = await import('qrcode');
    return { secret, otpauthUri: uri, qrCode: await toDataURL(uri) };
  }

  /**
   * Confirms the pending enrolment with its first code; false (nothing changed) when the code
   * is wrong. 409 when there is no enrolment to confirm.
   */
  async confirm(userId: string, code: string): Promise<boolean> {
    const factor = await this.withSecret(userId);
    if (!factor || factor.row.confirmedAt !== null) {
      throw new ConflictException(
        factor
          ? 'TOTP is already on for this account'
          : 'No TOTP enrolment is in progress: start one with POST /api/second-factors/totp',
      );
    }
    return this.accept(factor.row, factor.secret, code, 'confirm');
  }

  /** Whether `code` is a right, unused TOTP code of the user's confirmed authenticator. */
  async verify(userId: string, code: string): Promise<boolean> {
    const factor = await this.withSecret(userId);
    if (!factor || factor.row.confirmedAt === null) {
      return false;
    }
    return this.accept(factor.row, factor.secret, code, 'verify');
  }

  async remove(userId: string): Promise<void> {
    await this.factors.delete({ userId });
  }

  private async withSecret(
    userId: string,
  ): Promise<{ row: TotpFactor; secret: string | null } | null> {
    const row = await this.factors.findOne({
      where: { userId },
      select: {
        userId: true,
        sealedSecret: true,
        confirmedAt: true,
        lastUsedStep: true,
      },
    });
    if (!row) {
      return null;
    }
    const secret = openTotpSecret(
      this.keys.totpSealing,
      userId,
      row.sealedSecret,
    );
    if (secret === null) {
      this.logger.error(
        `The TOTP secret of user ${userId} does not open: KEYS_SECRET (or JWT_SECRET) changed since it was sealed; an admin can reset the user's second factors`,
      );
    }
    return { row, secret };
  }

  /**
   * Checks the code, then claims its time step with one conditional UPDATE: of two requests
   * racing with one code, only one finds the step still unused. The sealed secret is part of
   * the condition, so a code of an enrolment restarted meanwhile confirms nothing.
   */
  private async accept(
    row: TotpFactor,
    secret: string | null,
    code: string,
    purpose: 'confirm' | 'verify',
  ): Promise<boolean> {
    if (secret === null) {
      return false;
    }
    const step = await matchingTimeStep(
      secret,
      code,
      Math.floor(Date.now() / 1000),
      row.lastUsedStep,
    );
    if (step === null) {
      return false;
    }
    const update = this.factors
      .createQueryBuilder()
      .update(TotpFactor)
      .set(
        purpose === 'confirm'
          ? { lastUsedStep: step, confirmedAt: new Date() }
          : { lastUsedStep: step },
      )
      .where('user_id = :userId AND sealed_secret = :sealed', {
        userId: row.userId,
        sealed: row.sealedSecret,
      })
      .andWhere('(last_used_step IS NULL OR last_used_step < :step)', { step })
      .andWhere(
        purpose === 'confirm'
          ? 'confirmed_at IS NULL'
          : 'confirmed_at IS NOT NULL',
      );
    return ((await update.execute()).affected ?? 0) > 0;
  }
}

import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { SecondFactorKeys } from '../second-factor-keys';
import { RecoveryCode } from './recovery-code.entity';
import {
  hashRecoveryCode,
  newRecoveryCode,
  normaliseRecoveryCode,
  RECOVERY_CODE_COUNT,
} from './recovery-code-format';

/** The recovery_codes table: ten single-use codes per user, kept as keyed hashes. */
@Injectable()
export class RecoveryCodesService {
  constructor(
    @InjectRepository(RecoveryCode)
    private readonly codes: Repository<RecoveryCode>,
    private readonly keys: SecondFactorKeys,
  ) {}

  /** A new set of codes, shown once; the user's previous codes, used or not, stop working. */
  async regenerate(userId: string): Promise<string[]> {
    const fresh = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    const createdAt = new Date();
    await this.codes.manager.transaction(async (manager) => {
      await manager.delete(RecoveryCode, { userId });
      await manager.insert(
        RecoveryCode,
        fresh.map((code) => ({
          userId,
          codeHash: this.hash(userId, code),
          usedAt: null,
          createdAt,
        })),
      );
    });
    return fresh;
  }

  /**
   * Spends `code` if it is one of the user's unused codes. One conditional UPDATE: two requests
   * racing with the same code, only one of them gets it.
   */
  async spend(userId: string, code: string): Promise<boolean> {
    const normalised = normaliseRecoveryCode(code);
    if (normalised === null) {
      return false;
    }
    const result = await this.codes.update(
      {
        userId,
        codeHash: hashRecoveryCode(this.keys.recoveryCodes, userId, normalised),
        usedAt: IsNull(),
      },
      { usedAt: new Date() },
    );
    return (result.affected ?? 0) > 0;
  }

  remaining(userId: string): Promise<number> {
    return this.codes.countBy({ userId, usedAt: IsNull() });
  }

  async removeAll(userId: string): Promise<void> {
    await this.codes.delete({ userId });
  }

  private hash(userId: string, code: string): string {
    const normalised = normaliseRecoveryCode(code);
    if (normalised === null) {
      throw new Error('a generated recovery code failed its own format');
    }
    return hashRecoveryCode(this.keys.recoveryCodes, userId, normalised);
  }
}

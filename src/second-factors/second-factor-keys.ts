import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { recoveryCodeKey } from './recovery-codes/recovery-code-format';
import { totpSealingKey } from './totp/totp-secret-seal';

/**
 * The keys of this module, derived once from KEYS_SECRET, or JWT_SECRET when there is none
 * (an HS256 deployment has no KEYS_SECRET). Changing that secret makes every TOTP secret and
 * recovery code unreadable: their owners then need an admin to reset their factors.
 */
@Injectable()
export class SecondFactorKeys {
  readonly totpSealing: Buffer;
  readonly recoveryCodes: Buffer;

  constructor(config: AppConfig) {
    const serverSecret = config.keysSecret || config.jwtSecret;
    this.totpSealing = totpSealingKey(serverSecret);
    this.recoveryCodes = recoveryCodeKey(serverSecret);
  }
}

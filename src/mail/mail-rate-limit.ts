import { sha256Hex } from '../common/crypto/sha256';
import { Injectable } from '@nestjs/common';
import { normalizeIp } from '@nestjs/throttler';
import { AppConfig, type RateLimit } from '../config/app-config';
import { TooManyRequestsException } from '../common/http/too-many-requests.exception';
import { RateLimitStorage } from '../rate-limit/rate-limit.storage';

/**
 * Limits the mail that public routes send on request (forgot password, resend a verification
 * link): per recipient address, so nobody floods one inbox, and per client address, so nobody
 * sprays many. Counted in the rate limits' storage (Redis when set, else this instance); the
 * address is hashed so the store holds no list of addresses people tried.
 */
@Injectable()
export class MailRateLimit {
  constructor(
    private readonly config: AppConfig,
    private readonly storage: RateLimitStorage,
  ) {}

  /** Counts one request; 429 with Retry-After when either limit is exceeded. */
  async check(kind: string, email: string, ip: string): Promise<void> {
    const address = sha256Hex(email.trim().toLowerCase());
    await this.count(
      `mail-ip:${kind}:${normalizeIp(ip)}`,
      this.config.rateLimitMailPerIp,
      'from this address',
    );
    await this.count(
      `mail-address:${kind}:${address}`,
      this.config.rateLimitMailPerAddress,
      'for this email address',
    );
  }

  private async count(
    key: string,
    { limit, ttlSeconds }: RateLimit,
    whose: string,
  ): Promise<void> {
    const record = await this.storage.increment(key, ttlSeconds * 1000, limit);
    if (record.isBlocked) {
      throw new TooManyRequestsException(
        `Too many requests ${whose}: try again in ${record.timeToExpire} s`,
        record.timeToExpire,
      );
    }
  }
}

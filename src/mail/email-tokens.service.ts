import { randomBytes, randomUUID } from 'node:crypto';
import { sha256Hex } from '../common/crypto/sha256';
import {
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, type Repository } from 'typeorm';
import { EmailToken, type EmailTokenPurpose } from './email-token.entity';
import { prunePeriodically } from '../common/prune-periodically';

const PRUNE_INTERVAL_MS = 60 * 60 * 1000;

/** What a spent token was issued for. */
export interface SpentEmailToken {
  userId: string;
  email: string;
}

/**
 * The single-use tokens of emailed links: 32 random bytes (base64url) handed out once, only
 * their SHA-256 kept (256 bits of entropy need no slow hash), bound to a purpose.
 */
@Injectable()
export class EmailTokensService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(EmailTokensService.name);
  private pruneTimer?: NodeJS.Timeout;

  constructor(
    @InjectRepository(EmailToken)
    private readonly tokens: Repository<EmailToken>,
  ) {}

  onModuleInit(): void {
    this.pruneTimer = prunePeriodically(
      this.logger,
      'expired email tokens',
      () => this.pruneExpired(),
      PRUNE_INTERVAL_MS,
    );
  }

  onModuleDestroy(): void {
    clearInterval(this.pruneTimer);
  }

  async issue(
    userId: string,
    purpose: EmailTokenPurpose,
    email: string,
    ttlSeconds: number,
  ): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.tokens.insert({
      id: randomUUID(),
      tokenHash: sha256Hex(token),
      userId,
      purpose,
      email,
      expiresAt: new Date(Date.now() + ttlSeconds * 1000),
    });
    return token;
  }

  /**
   * Spends the token: null when it is unknown, for another purpose, expired or already spent.
   * The row is deleted by one conditional DELETE, so of two racing uses exactly one wins.
   */
  async consume(
    token: string,
    purpose: EmailTokenPurpose,
  ): Promise<SpentEmailToken | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) {
      return null;
    }
    const row = await this.tokens.findOneBy({
      tokenHash: sha256Hex(token),
      purpose,
    });
    if (!row) {
      return null;
    }
    const deleted = await this.tokens.delete({ id: row.id });
    if (
      (deleted.affected ?? 0) === 0 ||
      row.expiresAt.getTime() <= Date.now()
    ) {
      return null;
    }
    return { userId: row.userId, email: row.email };
  }

  /** Every outstanding link of this purpose stops working (a reset ends all the others). */
  async revokeAllOf(userId: string, purpose: EmailTokenPurpose): Promise<void> {
    await this.tokens.delete({ userId, purpose });
  }

  /** Expired links are dead anyway: drop their rows. */
  async pruneExpired(now = Date.now()): Promise<number> {
    const result = await this.tokens.delete({
      expiresAt: LessThan(new Date(now)),
    });
    return result.affected ?? 0;
  }
}

import {
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, MoreThan, type Repository } from 'typeorm';
import { RedisService } from '../redis/redis.service';
import { RevokedToken } from './revoked-token.entity';

const PRUNE_INTERVAL_MS = 10 * 60 * 1000;
const REVOKED_CHANNEL = 'gatehouse:revoked';

/**
 * The access-token blacklist. The table is the truth and survives restarts; every instance keeps
 * the unexpired entries in memory as well, so checking a token costs no database round trip.
 * With several instances, a revocation is broadcast through Redis and honoured everywhere at
 * once; while Redis is away, the check asks the database instead, and on its return each
 * instance reloads what it may have missed. Entries leave once their token would have expired.
 */
@Injectable()
export class RevocationService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RevocationService.name);
  /** jti → expiry (epoch ms). */
  private readonly revoked = new Map<string, number>();
  private pruneTimer?: NodeJS.Timeout;

  constructor(
    @InjectRepository(RevokedToken)
    private readonly revokedTokens: Repository<RevokedToken>,
    private readonly redis: RedisService,
  ) {}

  async onModuleInit(): Promise<void> {
    this.redis.subscribe(REVOKED_CHANNEL, (message) => this.remember(message));
    this.redis.onReconnect(() => {
      this.reload().catch((error: unknown) =>
        this.logger.warn({
          msg: 'reloading the token blacklist failed',
          error: error instanceof Error ? error.message : 'unknown',
        }),
      );
    });
    await this.reload();
    this.pruneTimer = setInterval(() => {
      this.prune().catch((error: unknown) =>
        this.logger.warn({
          msg: 'pruning the token blacklist failed',
          error: error instanceof Error ? error.message : 'unknown',
        }),
      );
    }, PRUNE_INTERVAL_MS);
    this.pruneTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.pruneTimer);
  }

  async revoke(jti: string, expiresAtSeconds: number): Promise<void> {
    const expiresAt = expiresAtSeconds * 1000;
    if (expiresAt <= Date.now()) {
      return;
    }
    await this.revokedTokens.upsert({ jti, expiresAt: new Date(expiresAt) }, [
      'jti',
    ]);
    this.revoked.set(jti, expiresAt);
    await this.redis.publish(
      REVOKED_CHANNEL,
      JSON.stringify({ jti, expiresAt }),
    );
  }

  /** Memory first; the database only while other instances' revocations cannot reach us. */
  async isRevoked(jti: string): Promise<boolean> {
    if (this.revoked.has(jti)) {
      return true;
    }
    if (this.redis.cachesTrustworthy) {
      return false;
    }
    return this.revokedTokens.existsBy({ jti });
  }

  /** Deletes entries for tokens that have expired; returns how many rows went. */
  async prune(now = Date.now()): Promise<number> {
    for (const [jti, expiresAt] of this.revoked) {
      if (expiresAt <= now) {
        this.revoked.delete(jti);
      }
    }
    const result = await this.revokedTokens.delete({
      expiresAt: LessThan(new Date(now)),
    });
    return result.affected ?? 0;
  }

  private remember(message: string): void {
    try {
      const { jti, expiresAt } = JSON.parse(message) as {
        jti?: unknown;
        expiresAt?: unknown;
      };
      if (typeof jti === 'string' && typeof expiresAt === 'number') {
        this.revoked.set(jti, expiresAt);
      }
    } catch {
      // not one of ours
    }
  }

  private async reload(): Promise<void> {
    const now = new Date();
    const batch = 10_000;
    for (let offset = 0; ; offset += batch) {
      const rows = await this.revokedTokens.find({
        where: { expiresAt: MoreThan(now) },
        order: { jti: 'ASC' },
        skip: offset,
        take: batch,
      });
      for (const row of rows) {
        this.revoked.set(row.jti, row.expiresAt.getTime());
      }
      if (rows.length < batch) {
        break;
      }
    }
  }
}

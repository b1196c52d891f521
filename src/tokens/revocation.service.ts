import {
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, MoreThan, type Repository } from 'typeorm';
import { RevokedToken } from './revoked-token.entity';

const PRUNE_INTERVAL_MS = 10 * 60 * 1000;

/**
 * The access-token blacklist. The table is the truth and survives restarts; this instance keeps
 * every unexpired entry in memory as well, so checking a token costs no database round trip.
 * Entries leave both once the token they name would have expired anyway.
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
  ) {}

  async onModuleInit(): Promise<void> {
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
  }

  isRevoked(jti: string): boolean {
    return this.revoked.has(jti);
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

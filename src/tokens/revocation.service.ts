import {
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, MoreThan, type Repository } from 'typeorm';
import { RedisService } from '../redis/redis.service';
import { FingerprintSet, FingerprintSetBuilder } from './fingerprint-set';
import { RevokedToken } from './revoked-token.entity';
import { prunePeriodically } from '../common/prune-periodically';

const PRUNE_INTERVAL_MS = 10 * 60 * 1000;
/** Small pages keep the reload's transient rows from growing the young generation for good. */
export const BLACKLIST_RELOAD_PAGE = 1_000;
const REVOKED_CHANNEL = 'gatehouse:revoked';

/**
 * A 32-bit fingerprint of a jti (FNV-1a): a million of them fit in 4 MB, where the strings
 * would take over a hundred. Two jtis may share one: a hit is confirmed in the database, so a
 * collision costs one lookup, never a wrong refusal.
 */
export function jtiFingerprint(jti: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < jti.length; i += 1) {
    hash ^= jti.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * The access-token blacklist. The table is the truth and survives restarts. Every instance
 * keeps fingerprints of the unexpired entries in memory, so a token that is not revoked (nearly
 * all of them) is accepted without a database round trip. With several instances, a revocation
 * is broadcast through Redis and honoured everywhere at once; while Redis is away, the check
 * asks the database instead, and on its return each instance reloads what it may have missed.
 * Entries leave once their token would have expired.
 */
@Injectable()
export class RevocationService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RevocationService.name);
  private fingerprints = FingerprintSet.empty();
  /** Revocations heard while a reload reads the table, added to the new set at the swap. */
  private heardDuringReload: number[] | null = null;
  private pruneTimer?: NodeJS.Timeout;

  constructor(
    @InjectRepository(RevokedToken)
    private readonly revokedTokens: Repository<RevokedToken>,
    private readonly redis: RedisService,
  ) {}

  async onModuleInit(): Promise<void> {
    this.redis.subscribe(REVOKED_CHANNEL, (jti) => this.remember(jti));
    this.redis.onReconnect(() => void this.reloadLogged());
    await this.reload();
    this.pruneTimer = prunePeriodically(
      this.logger,
      'the token blacklist',
      () => this.prune(),
      PRUNE_INTERVAL_MS,
    );
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
    this.remember(jti);
    await this.redis.publish(REVOKED_CHANNEL, jti);
  }

  /** Memory answers "not revoked"; a hit, or any question while Redis is away, asks the table. */
  async isRevoked(jti: string): Promise<boolean> {
    if (this.certainlyNotRevoked(jti)) {
      return false;
    }
    return this.revokedTokens.existsBy({ jti });
  }

  /** True when memory alone shows the token is not revoked (nearly always); else ask `isRevoked`. */
  certainlyNotRevoked(jti: string): boolean {
    return (
      this.redis.cachesTrustworthy &&
      !this.fingerprints.has(jtiFingerprint(jti))
    );
  }

  /** Deletes entries for tokens that have expired and rebuilds the set; returns rows deleted. */
  async prune(now = Date.now()): Promise<number> {
    const result = await this.revokedTokens.delete({
      expiresAt: LessThan(new Date(now)),
    });
    await this.reload(now);
    return result.affected ?? 0;
  }

  private remember(jti: string): void {
    const fingerprint = jtiFingerprint(jti);
    this.fingerprints.add(fingerprint);
    this.heardDuringReload?.push(fingerprint);
  }

  private async reloadLogged(): Promise<void> {
    try {
      await this.reload();
    } catch (error) {
      this.logger.warn({
        msg: 'reloading the token blacklist failed',
        error: error instanceof Error ? error.message : 'unknown',
      });
    }
  }

  /**
   * Reads the unexpired entries in pages by jti (keyset, not OFFSET: linear in the table), as
   * raw rows: entities for a million rows would leave their garbage in the old generation.
   */
  private async reload(now = Date.now()): Promise<void> {
    this.heardDuringReload = [];
    try {
      const expiresAfter = new Date(now);
      // Sized once: a million entries take one 4 MB array, not a chain of doublings.
      const fresh = new FingerprintSetBuilder(
        await this.revokedTokens.countBy({ expiresAt: MoreThan(expiresAfter) }),
      );
      let after = '';
      for (;;) {
        const rows = await this.revokedTokens
          .createQueryBuilder('revoked')
          .select('revoked.jti', 'jti')
          .where('revoked.expiresAt > :now', { now: expiresAfter })
          .andWhere('revoked.jti > :after', { after })
          .orderBy('revoked.jti', 'ASC')
          .limit(BLACKLIST_RELOAD_PAGE)
          .getRawMany<{ jti: string }>();
        for (const row of rows) {
          fresh.add(jtiFingerprint(row.jti));
        }
        if (rows.length < BLACKLIST_RELOAD_PAGE) {
          break;
        }
        after = rows[rows.length - 1].jti;
      }
      for (const fingerprint of this.heardDuringReload) {
        fresh.add(fingerprint);
      }
      this.fingerprints = fresh.build();
    } finally {
      this.heardDuringReload = null;
    }
  }
}

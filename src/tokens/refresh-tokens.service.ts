import { randomBytes, randomUUID } from 'node:crypto';
import {
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, LessThan, Not, type Repository } from 'typeorm';
import { sha256Hex } from '../common/crypto/sha256';
import { AppConfig } from '../config/app-config';
import { credentialIssuedAt } from '../users/credential-epoch';
import { RefreshToken } from './refresh-token.entity';
import {
  openSuccessor,
  sealSuccessor,
  type SuccessorPair,
} from './successor-seal';
import { prunePeriodically } from '../common/prune-periodically';

const PRUNE_INTERVAL_MS = 60 * 60 * 1000;

/** How long a replay waits for the first use to seal its answer, and how often it looks. */
const SUCCESSOR_WAIT_MS = 5_000;
const SUCCESSOR_POLL_MS = 25;

export type SpendResult =
  | { outcome: 'spent'; token: SpentRefreshToken }
  | { outcome: 'invalid' }
  | { outcome: 'reused'; userId: string; familyId: string }
  | { outcome: 'replayed'; token: SpentRefreshToken; pair: SuccessorPair };

export interface SpentRefreshToken {
  id: string;
  userId: string;
  familyId: string;
  /** Its issue instant (ms), to compare with the user's "credentials valid after". */
  issuedAt: number;
}

/** Opaque, single-use refresh tokens: stored as hashes, rotated on use, revoked by family. */
@Injectable()
export class RefreshTokensService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RefreshTokensService.name);
  private pruneTimer?: NodeJS.Timeout;

  constructor(
    @InjectRepository(RefreshToken)
    private readonly refreshTokens: Repository<RefreshToken>,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.pruneTimer = prunePeriodically(
      this.logger,
      'expired refresh tokens',
      () => this.pruneExpired(),
      PRUNE_INTERVAL_MS,
    );
  }

  onModuleDestroy(): void {
    clearInterval(this.pruneTimer);
  }

  /** A new token, issued strictly after the user's cut-off; a new family unless it continues one. */
  async issue(
    userId: string,
    tokensValidAfter: number,
    familyId: string = randomUUID(),
  ): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const issuedAt = credentialIssuedAt(tokensValidAfter);
    await this.refreshTokens.insert({
      userId,
      familyId,
      tokenHash: sha256Hex(token),
      expiresAt: new Date(issuedAt + this.config.refreshTokenTtlSeconds * 1000),
      usedAt: null,
      revokedAt: null,
      createdAt: new Date(issuedAt),
    });
    return token;
  }

  /**
   * Marks `token` used. Marking it used is one conditional UPDATE, so of two concurrent uses
   * (on any instance) exactly one wins. A token presented again within REFRESH_REUSE_GRACE of
   * that use is a race or a retry of its owner: it is `replayed` with the pair the first use
   * sealed on the row (see `sealSuccessor`). Later, it means the token was copied: the whole
   * family (the thief's and the owner's newest token alike) is revoked.
   */
  async spend(token: string): Promise<SpendResult> {
    const arrivedAt = Date.now();
    const row = await this.findByToken(token);
    if (!row || row.revokedAt || row.expiresAt.getTime() <= arrivedAt) {
      return { outcome: 'invalid' };
    }
    const spent = row.usedAt
      ? { affected: 0 }
      : await this.refreshTokens.update(
          { id: row.id, usedAt: IsNull() },
          { usedAt: new Date() },
        );
    if (spent.affected) {
      return { outcome: 'spent', token: spentToken(row) };
    }
    return this.replayOrRevoke(row, token, arrivedAt);
  }

  /**
   * Keeps on the spent token's row the pair its use answered, sealed under the token itself, for
   * replays within the grace. Nothing is kept when the grace is 0, or once the family is revoked.
   */
  async sealSuccessor(
    spent: SpentRefreshToken,
    token: string,
    pair: SuccessorPair,
  ): Promise<void> {
    if (this.config.refreshReuseGraceSeconds === 0) {
      return;
    }
    await this.refreshTokens.update(
      { id: spent.id, revokedAt: IsNull() },
      { sealedSuccessor: sealSuccessor(token, spent.id, pair) },
    );
  }

  /**
   * The successor of a spent token, or null when the family was revoked meanwhile: a replay
   * racing this rotation may revoke the family between the spend and this insert, and the
   * successor must not outlive that.
   */
  async issueSuccessor(
    spent: SpentRefreshToken,
    tokensValidAfter: number,
  ): Promise<string | null> {
    const successor = await this.issue(
      spent.userId,
      tokensValidAfter,
      spent.familyId,
    );
    const after = await this.refreshTokens.findOne({
      where: { id: spent.id },
      select: ['id', 'revokedAt'],
    });
    if (!after || after.revokedAt) {
      await this.revokeFamily(spent.familyId);
      return null;
    }
    return successor;
  }

  /** The family `token` belongs to, if it is the user's; used by logout. */
  async familyOf(token: string, userId: string): Promise<string | null> {
    const row = await this.findByToken(token);
    return row && row.userId === userId ? row.familyId : null;
  }

  /** Sealed successors go too: a revoked family has nothing left to replay. */
  async revokeFamily(familyId: string): Promise<void> {
    await this.refreshTokens.update(
      { familyId, revokedAt: IsNull() },
      { revokedAt: new Date(), sealedSuccessor: null },
    );
  }

  async revokeAllOf(userId: string): Promise<void> {
    await this.refreshTokens.update(
      { userId, revokedAt: IsNull() },
      { revokedAt: new Date(), sealedSuccessor: null },
    );
  }

  /**
   * Rows of tokens expired for a day are only history; deleted in the blacklist's pruning round,
   * which also drops the sealed successors of tokens spent longer ago than the grace.
   */
  async pruneExpired(now = Date.now()): Promise<number> {
    await this.refreshTokens.update(
      {
        usedAt: LessThan(
          new Date(now - this.config.refreshReuseGraceSeconds * 1000),
        ),
        sealedSuccessor: Not(IsNull()),
      },
      { sealedSuccessor: null },
    );
    const result = await this.refreshTokens.delete({
      expiresAt: LessThan(new Date(now - 86_400_000)),
    });
    return result.affected ?? 0;
  }

  /**
   * A second use of a spent token. Within the grace (measured from the first use to this one's
   * arrival), it waits, briefly, for the first use to seal its answer and opens it; after the
   * grace, or when no answer comes, the family is revoked as for any reuse.
   */
  private async replayOrRevoke(
    row: RefreshToken,
    token: string,
    arrivedAt: number,
  ): Promise<SpendResult> {
    const graceMs = this.config.refreshReuseGraceSeconds * 1000;
    const reused = async (): Promise<SpendResult> => {
      await this.revokeFamily(row.familyId);
      return { outcome: 'reused', userId: row.userId, familyId: row.familyId };
    };
    const giveUpAt = arrivedAt + SUCCESSOR_WAIT_MS;
    for (;;) {
      const current = await this.refreshTokens.findOne({
        where: { id: row.id },
        select: ['id', 'usedAt', 'revokedAt', 'sealedSuccessor'],
      });
      if (!current?.usedAt || current.revokedAt) {
        return { outcome: 'invalid' };
      }
      // `graceMs === 0` on its own: with instances' clocks a little apart, the difference
      // may be negative, and nothing was sealed to wait for.
      if (graceMs === 0 || arrivedAt - current.usedAt.getTime() >= graceMs) {
        return reused();
      }
      if (current.sealedSuccessor) {
        const pair = openSuccessor(token, row.id, current.sealedSuccessor);
        return pair
          ? { outcome: 'replayed', token: spentToken(row), pair }
          : reused();
      }
      // The first use has not sealed its answer yet (or never will: it failed or crashed).
      if (Date.now() >= giveUpAt) {
        return reused();
      }
      await new Promise((resolve) => setTimeout(resolve, SUCCESSOR_POLL_MS));
    }
  }

  private findByToken(token: string): Promise<RefreshToken | null> {
    if (token.length > 128) {
      return Promise.resolve(null);
    }
    return this.refreshTokens.findOneBy({ tokenHash: sha256Hex(token) });
  }
}

function spentToken(row: RefreshToken): SpentRefreshToken {
  return {
    id: row.id,
    userId: row.userId,
    familyId: row.familyId,
    issuedAt: row.createdAt.getTime(),
  };
}

import { randomBytes, randomUUID } from 'node:crypto';
import {
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, LessThan, type Repository } from 'typeorm';
import { sha256Hex } from '../common/crypto/sha256';
import { AppConfig } from '../config/app-config';
import { credentialIssuedAt } from '../users/credential-epoch';
import { RefreshToken } from './refresh-token.entity';

const PRUNE_INTERVAL_MS = 60 * 60 * 1000;

export type SpendResult =
  | { outcome: 'spent'; token: SpentRefreshToken }
  | { outcome: 'invalid' }
  | { outcome: 'reused'; userId: string; familyId: string };

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
    this.pruneTimer = setInterval(() => {
      this.pruneExpired().catch((error: unknown) =>
        this.logger.warn({
          msg: 'pruning expired refresh tokens failed',
          error: error instanceof Error ? error.message : 'unknown',
        }),
      );
    }, PRUNE_INTERVAL_MS);
    this.pruneTimer.unref();
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
   * Marks `token` used. A token presented a second time means it was copied: the whole family
   * (the thief's and the owner's newest token alike) is revoked. Marking it used is one
   * conditional UPDATE, so of two concurrent uses exactly one wins.
   */
  async spend(token: string): Promise<SpendResult> {
    const row = await this.findByToken(token);
    if (!row || row.revokedAt || row.expiresAt.getTime() <= Date.now()) {
      return { outcome: 'invalid' };
    }
    const spent = row.usedAt
      ? { affected: 0 }
      : await this.refreshTokens.update(
          { id: row.id, usedAt: IsNull() },
          { usedAt: new Date() },
        );
    if (!spent.affected) {
      await this.revokeFamily(row.familyId);
      return { outcome: 'reused', userId: row.userId, familyId: row.familyId };
    }
    return {
      outcome: 'spent',
      token: {
        id: row.id,
        userId: row.userId,
        familyId: row.familyId,
        issuedAt: row.createdAt.getTime(),
      },
    };
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

  async revokeFamily(familyId: string): Promise<void> {
    await this.refreshTokens.update(
      { familyId, revokedAt: IsNull() },
      { revokedAt: new Date() },
    );
  }

  async revokeAllOf(userId: string): Promise<void> {
    await this.refreshTokens.update(
      { userId, revokedAt: IsNull() },
      { revokedAt: new Date() },
    );
  }

  /** Rows of tokens expired for a day are only history; deleted in the blacklist's pruning round. */
  async pruneExpired(now = Date.now()): Promise<number> {
    const result = await this.refreshTokens.delete({
      expiresAt: LessThan(new Date(now - 86_400_000)),
    });
    return result.affected ?? 0;
  }

  private findByToken(token: string): Promise<RefreshToken | null> {
    if (token.length > 128) {
      return Promise.resolve(null);
    }
    return this.refreshTokens.findOneBy({ tokenHash: sha256Hex(token) });
  }
}

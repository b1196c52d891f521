import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, LessThan, type Repository } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { RefreshToken } from './refresh-token.entity';

export type RotationResult =
  | {
      outcome: 'rotated';
      userId: string;
      familyId: string;
      createdAt: Date;
      token: string;
    }
  | { outcome: 'invalid' }
  | { outcome: 'reused'; userId: string; familyId: string };

/** Opaque, single-use refresh tokens: stored as hashes, rotated on use, revoked by family. */
@Injectable()
export class RefreshTokensService {
  private readonly logger = new Logger(RefreshTokensService.name);

  constructor(
    @InjectRepository(RefreshToken)
    private readonly refreshTokens: Repository<RefreshToken>,
    private readonly config: AppConfig,
  ) {}

  /** A new token; a new family unless it continues one. */
  async issue(
    userId: string,
    familyId: string = randomUUID(),
  ): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = Date.now();
    await this.refreshTokens.insert({
      userId,
      familyId,
      tokenHash: hashToken(token),
      expiresAt: new Date(now + this.config.refreshTokenTtlSeconds * 1000),
      usedAt: null,
      revokedAt: null,
      createdAt: new Date(now),
    });
    return token;
  }

  /**
   * Spends `token` and issues its successor. A token presented a second time means it was
   * copied: the whole family (the thief's and the owner's newest token alike) is revoked.
   * Marking it used is one conditional UPDATE, so of two concurrent uses exactly one wins.
   */
  async rotate(token: string): Promise<RotationResult> {
    const row = await this.findByToken(token);
    if (!row || row.revokedAt || row.expiresAt.getTime() <= Date.now()) {
      return { outcome: 'invalid' };
    }
    if (row.usedAt) {
      await this.revokeFamily(row.familyId);
      return { outcome: 'reused', userId: row.userId, familyId: row.familyId };
    }
    const spent = await this.refreshTokens.update(
      { id: row.id, usedAt: IsNull() },
      { usedAt: new Date() },
    );
    if (!spent.affected) {
      await this.revokeFamily(row.familyId);
      return { outcome: 'reused', userId: row.userId, familyId: row.familyId };
    }
    const successor = await this.issue(row.userId, row.familyId);
    return {
      outcome: 'rotated',
      userId: row.userId,
      familyId: row.familyId,
      createdAt: row.createdAt,
      token: successor,
    };
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
    return this.refreshTokens.findOneBy({ tokenHash: hashToken(token) });
  }
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

import { QueryFailedError, type Repository } from 'typeorm';
import type { AuditService } from '../audit/audit.service';
import { loadConfig } from '../config/app-config';
import type { RedisService } from '../redis/redis.service';
import type { SigningKey } from './signing-key.entity';
import { SigningKeysService } from './signing-keys.service';

/** The signing_keys table at the module boundary; reads can be held to order them by hand. */
class FakeKeysTable {
  rows: SigningKey[] = [];
  holdReads = false;
  private held: (() => void)[] = [];

  releaseReads(): void {
    const held = this.held;
    this.held = [];
    held.forEach((release) => release());
  }

  get heldReads(): number {
    return this.held.length;
  }

  createQueryBuilder() {
    return {
      addSelect: () => ({
        getMany: () => {
          // The snapshot is taken when the read starts, as a database would.
          const snapshot = this.rows.map((row) => ({ ...row }));
          return this.holdReads
            ? new Promise<SigningKey[]>((resolve) =>
                this.held.push(() => resolve(snapshot)),
              )
            : Promise.resolve(snapshot);
        },
      }),
    };
  }

  insert(row: SigningKey) {
    if (this.rows.some((existing) => existing.generation === row.generation)) {
      // What PostgreSQL answers (uniqueViolationColumn reads the code and detail).
      return Promise.reject(
        new QueryFailedError('INSERT', [], {
          code: '23505',
          detail: `Key (generation)=(${row.generation}) already exists.`,
        } as unknown as Error),
      );
    }
    this.rows.push({ ...row });
    return Promise.resolve();
  }

  update(criteria: { kid: string }, changes: Partial<SigningKey>) {
    const row = this.rows.find(
      (candidate) => candidate.kid === criteria.kid && !candidate.revokedAt,
    );
    if (row) {
      Object.assign(row, changes);
    }
    return Promise.resolve({ affected: row ? 1 : 0 });
  }
}

function service(table: FakeKeysTable): SigningKeysService {
  const config = loadConfig({ KEYS_SECRET: 's'.repeat(48) });
  const redis = {
    cachesTrustworthy: true,
    subscribe: () => undefined,
    onReconnect: () => undefined,
    publish: () => Promise.resolve(true),
  } as unknown as RedisService;
  const audit = { record: () => undefined } as unknown as AuditService;
  return new SigningKeysService(
    table as unknown as Repository<SigningKey>,
    config,
    redis,
    audit,
  );
}

describe(SigningKeysService.name, () => {
  it('never lets a read that started before a revocation make the key live again', async () => {
    const table = new FakeKeysTable();
    const keys = service(table);
    await keys.onModuleInit();
    keys.onModuleDestroy();
    const [key] = table.rows;
    const token = keys.sign({ iss: 'i', aud: 'a', exp: 2 ** 31 });
    expect(keys.jwks().map((jwk) => jwk.kid)).toEqual([key.kid]);

    // A timer's re-read starts (seeing the key live), then an admin revokes the key.
    table.holdReads = true;
    const staleRefresh = keys.refresh();
    await new Promise((resolve) => setImmediate(resolve));
    expect(table.heldReads).toBe(1);
    const revocation = keys.revoke(key.kid, null);

    // The stale read lands first: the key must stay revoked.
    await new Promise((resolve) => setImmediate(resolve));
    table.releaseReads();
    await new Promise((resolve) => setImmediate(resolve));
    expect(keys.jwks().map((jwk) => jwk.kid)).not.toContain(key.kid);
    expect(await keys.verify(token, { issuer: 'i', audience: 'a' })).toBeNull();

    // The revocation's own read started after it, and then a new key was made.
    table.holdReads = false;
    table.releaseReads();
    await Promise.all([staleRefresh, revocation]);
    const published = keys.jwks().map((jwk) => jwk.kid);
    expect(published).toHaveLength(1);
    expect(published).not.toContain(key.kid);
  });
});

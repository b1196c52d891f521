import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { User } from '../users/user.entity';
import { UsageDaily } from './usage-daily.entity';
import { UsageService } from './usage.service';

// A throwaway in-memory SQLite with the real entities: the upsert SQL runs for real.
describe(UsageService.name, () => {
  let dataSource: DataSource;
  let rows: Repository<UsageDaily>;
  let usage: UsageService;
  let alice: string;
  let bob: string;
  const today = new Date('2025-05-06T12:00:00Z');
  const range = { from: '2025-05-01', to: '2025-05-31' };

  async function addUser(username: string): Promise<string> {
    const id = randomUUID();
    await dataSource.getRepository(User).insert({
      id,
      username,
      email: null,
      firstName: null,
      lastName: null,
      passwordHash: 'x',
      roles: ['user'],
      disabled: false,
      tokensValidAfter: 0,
      tokensValidAfterExemptId: null,
    });
    return id;
  }

  async function stored(): Promise<Record<string, number>> {
    const all = await rows.find();
    return Object.fromEntries(
      all.map((row) => [
        `${row.day} ${row.userId === alice ? 'alice' : 'bob'} ${row.apiKeyId || '-'}`,
        row.count,
      ]),
    );
  }

  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  beforeEach(async () => {
    dataSource = new DataSource({
      type: 'sqlite',
      database: ':memory:',
      entities: [User, UsageDaily],
      synchronize: true,
    });
    await dataSource.initialize();
    rows = dataSource.getRepository(UsageDaily);
    usage = new UsageService(rows);
    alice = await addUser('alice');
    bob = await addUser('bob');
  });

  afterEach(async () => {
    await usage.onApplicationShutdown();
    await dataSource.destroy();
    jest.restoreAllMocks();
  });

  it('writes nothing until a flush, then one row per day, user and key', async () => {
    usage.record(alice, null, today);
    usage.record(alice, null, today);
    usage.record(alice, 'key00001', today);
    usage.record(bob, null, new Date('2025-05-07T00:00:00Z'));
    expect(await rows.count()).toBe(0);
    await usage.flush();
    expect(await stored()).toEqual({
      '2025-05-06 alice -': 2,
      '2025-05-06 alice key00001': 1,
      '2025-05-07 bob -': 1,
    });
  });

  it('adds a later flush to the stored count instead of replacing it', async () => {
    usage.record(alice, null, today);
    await usage.flush();
    usage.record(alice, null, today);
    usage.record(alice, null, today);
    await usage.flush();
    expect(await stored()).toEqual({ '2025-05-06 alice -': 3 });
  });

  it('keeps the counts of a failed flush and writes them once with the next', async () => {
    usage.record(alice, null, today);
    usage.record(alice, null, today);
    jest
      .spyOn(rows, 'query')
      .mockRejectedValueOnce(new Error('database unavailable'));
    await usage.flush();
    expect(await rows.count()).toBe(0);
    // Still visible to readers while pending.
    expect(await usage.forUser(alice, range)).toEqual([
      { day: '2025-05-06', userId: alice, apiKeyId: '', count: 2 },
    ]);
    usage.record(alice, null, today);
    await usage.flush();
    await usage.flush();
    expect(await stored()).toEqual({ '2025-05-06 alice -': 3 });
  });

  it('restores only the statement that failed, not those already written', async () => {
    // 450 distinct days: three statements of at most 200 rows.
    for (let i = 0; i < 450; i += 1) {
      usage.record(alice, null, new Date(Date.UTC(2024, 0, 1 + i)));
    }
    const original = rows.query.bind(rows);
    const query = jest
      .spyOn(rows, 'query')
      .mockImplementationOnce(original)
      .mockRejectedValueOnce(new Error('lost connection'));
    await usage.flush();
    expect(query).toHaveBeenCalledTimes(3);
    expect(await rows.count()).toBe(250);
    query.mockRestore();
    await usage.flush();
    const all = await rows.find();
    expect(all).toHaveLength(450);
    expect(all.every((row) => row.count === 1)).toBe(true);
  });

  it('drops the counts of a user deleted before the flush and writes the others', async () => {
    usage.record(alice, null, today);
    usage.record(bob, null, today);
    await dataSource.getRepository(User).delete({ id: bob });
    await usage.flush();
    expect(await stored()).toEqual({ '2025-05-06 alice -': 1 });
    // Nothing is left to retry for ever.
    await usage.flush();
    expect(await stored()).toEqual({ '2025-05-06 alice -': 1 });
  });

  it('waits for a flush under way before reading, so no count is missed or doubled', async () => {
    const query = rows.query.bind(rows);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const writing = new Promise<void>((resolve) => (started = resolve));
    jest
      .spyOn(rows, 'query')
      .mockImplementationOnce(async (sql: string, parameters?: unknown[]) => {
        started();
        await gate;
        return query(sql, parameters);
      });
    usage.record(alice, null, today);
    usage.record(alice, null, today);
    const flushing = usage.flush();
    await writing;
    usage.record(alice, null, today);
    const reading = usage.forUser(alice, range);
    release();
    await flushing;
    const answer = await reading;
    expect(answer.reduce((total, delta) => total + delta.count, 0)).toBe(3);
  });

  it('answers stored and pending counts together, each once', async () => {
    usage.record(alice, null, today);
    usage.record(alice, 'key00001', today);
    await usage.flush();
    usage.record(alice, null, today);
    usage.record(bob, null, today);
    usage.record(alice, null, new Date('2025-04-30T12:00:00Z'));
    const answer = await usage.forUser(alice, range);
    const sum = (key: string) =>
      answer
        .filter((delta) => delta.apiKeyId === key)
        .reduce((total, delta) => total + delta.count, 0);
    expect(sum('')).toBe(2);
    expect(sum('key00001')).toBe(1);
    expect(answer.every((delta) => delta.day === '2025-05-06')).toBe(true);
  });

  it('ranks users by their total, stored and pending, and pages them', async () => {
    usage.record(bob, null, today);
    await usage.flush();
    usage.record(alice, null, today);
    usage.record(alice, 'key00001', today);
    const first = await usage.page(range, undefined, 1, 1);
    expect(first.total).toBe(2);
    expect(first.totals).toEqual([{ userId: alice, count: 2 }]);
    expect(first.rows.map((row) => row.userId)).toEqual([alice, alice]);
    const second = await usage.page(range, undefined, 2, 1);
    expect(second.totals).toEqual([{ userId: bob, count: 1 }]);
    const onlyBob = await usage.page(range, bob, 1, 10);
    expect(onlyBob.totals).toEqual([{ userId: bob, count: 1 }]);
  });

  it('flushes at shutdown', async () => {
    usage.record(alice, null, today);
    await usage.onApplicationShutdown();
    expect(await stored()).toEqual({ '2025-05-06 alice -': 1 });
  });
});

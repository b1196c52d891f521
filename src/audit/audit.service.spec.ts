import { Logger } from '@nestjs/common';
import { DataSource, InsertQueryBuilder, type Repository } from 'typeorm';
import { AuditEvent } from './audit-event.entity';
import { AuditService } from './audit.service';

// A throwaway in-memory SQLite with the real entity: the inserts and filters run for real.
describe(AuditService.name, () => {
  let dataSource: DataSource;
  let events: Repository<AuditEvent>;
  let audit: AuditService;

  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  beforeEach(async () => {
    dataSource = new DataSource({
      type: 'sqlite',
      database: ':memory:',
      entities: [AuditEvent],
      synchronize: true,
    });
    await dataSource.initialize();
    events = dataSource.getRepository(AuditEvent);
    audit = new AuditService(events);
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await audit.onApplicationShutdown();
    await dataSource.destroy();
  });

  it('queues events and writes them at the flush, without request data outside a request', async () => {
    audit.record({
      type: 'login',
      outcome: 'failure',
      username: 'mallory',
      details: { scheme: 'jwt' },
    });
    expect(await events.count()).toBe(0);
    await audit.flush();
    const [event] = await events.find();
    expect(event).toMatchObject({
      type: 'login',
      outcome: 'failure',
      userId: null,
      actorId: null,
      username: 'mallory',
      ip: null,
      requestId: null,
      details: '{"scheme":"jwt"}',
    });
  });

  it('takes the actor to be the user unless told otherwise', async () => {
    const user = '6f1c1a53-0d89-4a42-9a25-0d0c2d9a8f11';
    const admin = '0b7c9f0e-3a5f-4a8e-9c44-1d2b3c4d5e6f';
    audit.record({ type: 'logout', outcome: 'success', userId: user });
    audit.record({
      type: 'user_deleted',
      outcome: 'success',
      userId: user,
      actorId: admin,
    });
    audit.record({
      type: 'refresh_token_reuse',
      outcome: 'failure',
      userId: user,
      actorId: null,
    });
    const { items } = await audit.list({}, 1, 10);
    const actors = Object.fromEntries(
      items.map((event) => [event.type, event.actorId]),
    );
    expect(actors).toEqual({
      logout: user,
      user_deleted: admin,
      refresh_token_reuse: null,
    });
  });

  it('keeps events whose write failed and writes each once with the next flush', async () => {
    audit.record({ type: 'register', outcome: 'success', username: 'a' });
    audit.record({ type: 'register', outcome: 'success', username: 'b' });
    jest.spyOn(events, 'createQueryBuilder').mockImplementationOnce(() => {
      throw new Error('database unavailable');
    });
    await audit.flush();
    expect(await events.count()).toBe(0);
    audit.record({ type: 'register', outcome: 'success', username: 'c' });
    await audit.flush();
    const names = (await events.find()).map((event) => event.username).sort();
    expect(names).toEqual(['a', 'b', 'c']);
  });

  it('inserts nothing twice when a retried write had in fact landed', async () => {
    audit.record({ type: 'register', outcome: 'success', username: 'a' });
    await audit.flush();
    const [written] = await events.find();
    // The same row (same id) queued again, as a retry after a lost acknowledgement would.
    (audit as unknown as { queue: AuditEvent[] }).queue.push({ ...written });
    await audit.flush();
    expect(await events.count()).toBe(1);
  });

  it('lists an event recorded while a flush was already writing', async () => {
    const execute = InsertQueryBuilder.prototype.execute;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const writing = new Promise<void>((resolve) => (started = resolve));
    jest
      .spyOn(InsertQueryBuilder.prototype, 'execute')
      .mockImplementationOnce(async function (
        this: InsertQueryBuilder<AuditEvent>,
      ) {
        started();
        await gate;
        return execute.call(this);
      });
    audit.record({ type: 'register', outcome: 'success', username: 'a' });
    const first = audit.flush();
    await writing;
    audit.record({ type: 'register', outcome: 'success', username: 'b' });
    const listing = audit.list({}, 1, 10);
    release();
    await first;
    const { items } = await listing;
    expect(items.map((event) => event.username).sort()).toEqual(['a', 'b']);
  });

  it('writes large bursts in several statements', async () => {
    for (let i = 0; i < 120; i += 1) {
      audit.record({
        type: 'login',
        outcome: 'failure',
        username: `spray${i}`,
      });
    }
    await audit.flush();
    expect(await events.count()).toBe(120);
  });

  it('lists newest first, filters and pages, including events not yet flushed', async () => {
    const user = '6f1c1a53-0d89-4a42-9a25-0d0c2d9a8f11';
    audit.record({ type: 'register', outcome: 'success', userId: user });
    await new Promise((resolve) => setTimeout(resolve, 5));
    audit.record({ type: 'login', outcome: 'failure', username: 'x' });
    await new Promise((resolve) => setTimeout(resolve, 5));
    audit.record({ type: 'login', outcome: 'success', userId: user });
    const all = await audit.list({}, 1, 2);
    expect(all.total).toBe(3);
    expect(all.items.map((event) => event.outcome)).toEqual([
      'success',
      'failure',
    ]);
    expect((await audit.list({}, 2, 2)).items[0].type).toBe('register');
    const failures = await audit.list({ outcome: 'failure' }, 1, 10);
    expect(failures.items.map((event) => event.username)).toEqual(['x']);
    const mine = await audit.list({ userId: user, type: 'login' }, 1, 10);
    expect(mine.total).toBe(1);
    const future = await audit.list(
      { from: new Date(Date.now() + 60_000) },
      1,
      10,
    );
    expect(future.total).toBe(0);
  });

  it('flushes at shutdown', async () => {
    audit.record({ type: 'logout_all', outcome: 'success' });
    await audit.onApplicationShutdown();
    expect(await events.count()).toBe(1);
  });
});

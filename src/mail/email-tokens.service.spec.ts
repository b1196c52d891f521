import { randomUUID } from 'node:crypto';
import { DataSource, type Repository } from 'typeorm';
import { User } from '../users/user.entity';
import { EmailToken } from './email-token.entity';
import { EmailTokensService } from './email-tokens.service';

// A throwaway in-memory SQLite with the real entities: the conditional DELETE runs for real.
describe(EmailTokensService.name, () => {
  let dataSource: DataSource;
  let rows: Repository<EmailToken>;
  let tokens: EmailTokensService;
  let userId: string;

  beforeEach(async () => {
    dataSource = new DataSource({
      type: 'sqlite',
      database: ':memory:',
      entities: [User, EmailToken],
      synchronize: true,
    });
    await dataSource.initialize();
    rows = dataSource.getRepository(EmailToken);
    tokens = new EmailTokensService(rows);
    userId = randomUUID();
    await dataSource.getRepository(User).insert({
      id: userId,
      username: 'alice',
      email: 'alice@example.com',
      emailVerifiedAt: null,
      pendingEmail: null,
      firstName: null,
      lastName: null,
      passwordHash: 'x',
      roles: ['user'],
      disabled: false,
      tokensValidAfter: 0,
      tokensValidAfterExemptId: null,
    });
  });

  afterEach(async () => {
    await dataSource.destroy();
    jest.restoreAllMocks();
  });

  it('hands out 32 random bytes in base64url and stores only their SHA-256', async () => {
    const token = await tokens.issue(
      userId,
      'password_reset',
      'alice@example.com',
      60,
    );
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [row] = await rows.find();
    expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(token);
  });

  it('spends a token once, for its own purpose only', async () => {
    const token = await tokens.issue(
      userId,
      'email_verification',
      'alice@example.com',
      60,
    );
    expect(await tokens.consume(token, 'password_reset')).toBeNull();
    expect(await tokens.consume(token, 'email_verification')).toEqual({
      userId,
      email: 'alice@example.com',
    });
    expect(await tokens.consume(token, 'email_verification')).toBeNull();
  });

  it('lets one of two racing uses win', async () => {
    const token = await tokens.issue(userId, 'password_reset', 'a@b.c', 60);
    const results = await Promise.all([
      tokens.consume(token, 'password_reset'),
      tokens.consume(token, 'password_reset'),
    ]);
    expect(results.filter((result) => result !== null)).toHaveLength(1);
  });

  it('refuses an expired token, and prunes expired rows only', async () => {
    const now = Date.now();
    const expired = await tokens.issue(userId, 'password_reset', 'a@b.c', 60);
    await tokens.issue(userId, 'password_reset', 'a@b.c', 3600);
    jest.spyOn(Date, 'now').mockReturnValue(now + 61_000);
    expect(await tokens.consume(expired, 'password_reset')).toBeNull();
    await tokens.issue(userId, 'password_reset', 'a@b.c', 1);
    expect(await tokens.pruneExpired(now + 120_000)).toBe(1);
    expect(await rows.count()).toBe(1);
  });

  it('revokes every token of one purpose of a user', async () => {
    const reset = await tokens.issue(userId, 'password_reset', 'a@b.c', 60);
    const verify = await tokens.issue(
      userId,
      'email_verification',
      'a@b.c',
      60,
    );
    await tokens.revokeAllOf(userId, 'password_reset');
    expect(await tokens.consume(reset, 'password_reset')).toBeNull();
    expect(await tokens.consume(verify, 'email_verification')).not.toBeNull();
  });
});

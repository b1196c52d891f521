import { randomBytes } from 'node:crypto';
import { Controller, Get, Module } from '@nestjs/common';
import Redis from 'ioredis';
import type { Response } from 'supertest';
import type { AuthenticatedUser } from '../src/auth/authenticated-user';
import { Auth } from '../src/auth/decorators/auth.decorator';
import { CurrentUser } from '../src/auth/decorators/current-user.decorator';
import { RateLimit } from '../src/rate-limit/rate-limit.decorator';
import { RedisService } from '../src/redis/redis.service';
import { createTestApp, type TestApp } from './support/app';
import {
  loginAs,
  type RegisteredUser,
  registerUser,
  uniqueUsername,
} from './support/factories';
import { apiKey, basic, bearer } from './support/http';
import { describeUnless, redisSkipReason } from './support/skip';

/**
 * An app, once Redis is up when REDIS_URL is set: until then it counts in memory, and a test
 * reading exact counts would see them split between the two.
 */
async function appWith(env: Record<string, string> = {}): Promise<TestApp> {
  const t = await createTestApp({ env });
  await untilRedisIsUp(t);
  return t;
}

async function untilRedisIsUp(t: TestApp): Promise<void> {
  const redis = t.app.get(RedisService);
  for (let i = 0; redis.enabled && !redis.ready; i += 1) {
    if (i === 100) {
      throw new Error('Redis did not come up within 5 s');
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A client address, as a trusted proxy reports it (the apps below set TRUST_PROXY). */
function from(ip: string): { 'X-Forwarded-For': string } {
  return { 'X-Forwarded-For': ip };
}

let addressCounter = 0;
/** A client address no other test in this file uses (from 198.18.0.0/15, kept for tests). */
function uniqueAddress(): string {
  addressCounter += 1;
  return `198.18.${Math.floor(addressCounter / 250)}.${(addressCounter % 250) + 1}`;
}

function rateLimitHeaders(response: Response): {
  limit: number;
  remaining: number;
  reset: number;
} {
  return {
    limit: Number(response.headers['ratelimit-limit']),
    remaining: Number(response.headers['ratelimit-remaining']),
    reset: Number(response.headers['ratelimit-reset']),
  };
}

/** A 429 in Nest's shape with a Retry-After of at most `maxSeconds`. */
function expectTooManyRequests(
  response: Response,
  message: RegExp,
  maxSeconds: number,
): void {
  expect(response.status).toBe(429);
  expect(response.body).toEqual({
    statusCode: 429,
    error: 'Too Many Requests',
    message: expect.stringMatching(message),
  });
  const retryAfter = Number(response.headers['retry-after']);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(maxSeconds);
}

async function createDataKey(
  t: TestApp,
  user: RegisteredUser,
): Promise<string> {
  const response = await t.http
    .post('/api/api-keys')
    .set(bearer(user.accessToken))
    .send({ name: 'script', scopes: ['data:read'] });
  expect(response.status).toBe(201);
  return response.body.key as string;
}

describe('rate limits with the default configuration', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await appWith();
  });

  afterAll(async () => {
    await t.close();
  });

  it('counts RateLimit-Remaining down per user and says when the window resets', async () => {
    const user = await registerUser(t.http);
    const first = await t.http
      .get('/api/profile')
      .set(bearer(user.accessToken));
    const second = await t.http
      .get('/api/profile')
      .set(bearer(user.accessToken));
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(rateLimitHeaders(first)).toEqual({
      limit: 1000,
      remaining: 999,
      reset: expect.any(Number),
    });
    expect(rateLimitHeaders(second).remaining).toBe(998);
    const { reset } = rateLimitHeaders(second);
    expect(reset).toBeGreaterThanOrEqual(1);
    expect(reset).toBeLessThanOrEqual(60);
  });

  it('counts a user the same whatever the scheme, and 403s count too', async () => {
    const user = await registerUser(t.http);
    await t.http.get('/api/profile').set(bearer(user.accessToken)).expect(200);
    const forbidden = await t.http
      .get('/api/users')
      .set(basic(user.username, user.password));
    expect(forbidden.status).toBe(403);
    expect(rateLimitHeaders(forbidden).remaining).toBe(998);
    const viaBasic = await t.http
      .get('/api/profile')
      .set(basic(user.username, user.password));
    expect(viaBasic.status).toBe(200);
    expect(rateLimitHeaders(viaBasic).remaining).toBe(997);
  });

  it('puts GET /api/data on its own limit of 100 a day', async () => {
    const user = await registerUser(t.http);
    const response = await t.http
      .get('/api/data')
      .set(bearer(user.accessToken));
    expect(response.status).toBe(200);
    expect(response.body.message).toBe(`Hello ${user.username}!`);
    const headers = rateLimitHeaders(response);
    expect(headers).toEqual({
      limit: 100,
      remaining: 99,
      reset: expect.any(Number),
    });
    expect(headers.reset).toBeGreaterThan(86400 - 60);
    expect(headers.reset).toBeLessThanOrEqual(86400);
    // The default limit of the same user was not spent by it.
    const profile = await t.http
      .get('/api/profile')
      .set(bearer(user.accessToken));
    expect(rateLimitHeaders(profile).remaining).toBe(999);
  });

  it('ignores X-Forwarded-For without TRUST_PROXY: the socket address is the client', async () => {
    const first = await t.http.get('/api/health').set(from('192.0.2.1'));
    const second = await t.http.get('/api/health').set(from('192.0.2.2'));
    expect(first.status).toBe(200);
    expect(rateLimitHeaders(second).remaining).toBe(
      rateLimitHeaders(first).remaining - 1,
    );
  });
});

describe('GET /api/data with RATE_LIMIT_DATA=3/minute', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await appWith({ RATE_LIMIT_DATA: '3/minute' });
  });

  afterAll(async () => {
    await t.close();
  });

  it('refuses the 4th request of an API key with 429, Retry-After and the JSON body', async () => {
    const user = await registerUser(t.http);
    const key = await createDataKey(t, user);
    const remaining: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const response = await t.http.get('/api/data').set(apiKey(key));
      expect(response.status).toBe(200);
      expect(rateLimitHeaders(response).limit).toBe(3);
      remaining.push(rateLimitHeaders(response).remaining);
    }
    expect(remaining).toEqual([2, 1, 0]);

    const refused = await t.http.get('/api/data').set(apiKey(key));
    expectTooManyRequests(
      refused,
      /^Rate limit of 3 requests per minute exceeded/,
      60,
    );
    expect(rateLimitHeaders(refused)).toEqual({
      limit: 3,
      remaining: 0,
      reset: Number(refused.headers['retry-after']),
    });
    // Still refused: the window has not ended.
    expect((await t.http.get('/api/data').set(apiKey(key))).status).toBe(429);
  });

  it('limits each credential on its own: another key, the owner and another user still pass (from the same address)', async () => {
    const owner = await registerUser(t.http);
    const spent = await createDataKey(t, owner);
    const other = await createDataKey(t, owner);
    for (let i = 0; i < 3; i += 1) {
      await t.http.get('/api/data').set(apiKey(spent)).expect(200);
    }
    expect((await t.http.get('/api/data').set(apiKey(spent))).status).toBe(429);

    const otherKey = await t.http.get('/api/data').set(apiKey(other));
    expect(otherKey.status).toBe(200);
    expect(rateLimitHeaders(otherKey).remaining).toBe(2);
    const asOwner = await t.http
      .get('/api/data')
      .set(bearer(owner.accessToken));
    expect(asOwner.status).toBe(200);
    expect(asOwner.body.message).toBe(`Hello ${owner.username}!`);
    expect(rateLimitHeaders(asOwner).remaining).toBe(2);
    const someoneElse = await registerUser(t.http);
    const theirs = await t.http
      .get('/api/data')
      .set(bearer(someoneElse.accessToken));
    expect(theirs.status).toBe(200);
    expect(rateLimitHeaders(theirs).remaining).toBe(2);
    // The spent key's other routes are on the default limit, untouched.
    const profile = await t.http.get('/api/profile').set(apiKey(spent));
    expect(profile.status).toBe(403); // the key has only data:read
    expect(rateLimitHeaders(profile).limit).toBe(1000);
  });

  it('counts a user across schemes: a token, then Basic, share one budget', async () => {
    const user = await registerUser(t.http);
    for (let i = 0; i < 3; i += 1) {
      await t.http.get('/api/data').set(bearer(user.accessToken)).expect(200);
    }
    const viaBasic = await t.http
      .get('/api/data')
      .set(basic(user.username, user.password));
    expectTooManyRequests(viaBasic, /Rate limit of 3 requests/, 60);
  });
});

describe('GET /api/data/allowance with RATE_LIMIT_DATA=3/minute', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await appWith({ RATE_LIMIT_DATA: '3/minute' });
  });
  afterAll(() => t.close());

  it("tells the user what is left of theirs and each key's, without using any", async () => {
    const user = await registerUser(t.http);
    const key = await createDataKey(t, user);
    const keyId = key.split('_')[1];
    const fresh = await t.http
      .get('/api/data/allowance')
      .set(bearer(user.accessToken))
      .expect(200);
    expect(fresh.body).toEqual({
      limit: 3,
      window_seconds: 60,
      remaining: 3,
      resets_in_seconds: null,
      api_keys: [
        {
          id: keyId,
          name: expect.any(String),
          prefix: `gkey_${keyId}`,
          remaining: 3,
          resets_in_seconds: null,
        },
      ],
    });
    // Reading it twice used nothing.
    const again = await t.http
      .get('/api/data/allowance')
      .set(bearer(user.accessToken))
      .expect(200);
    expect(again.body.remaining).toBe(3);

    await t.http.get('/api/data').set(apiKey(key)).expect(200);
    await t.http.get('/api/data').set(apiKey(key)).expect(200);
    await t.http.get('/api/data').set(bearer(user.accessToken)).expect(200);
    const used = await t.http
      .get('/api/data/allowance')
      .set(basic(user.username, user.password))
      .expect(200);
    expect(used.body.remaining).toBe(2);
    expect(used.body.resets_in_seconds).toBeGreaterThan(0);
    expect(used.body.resets_in_seconds).toBeLessThanOrEqual(60);
    expect(used.body.api_keys[0]).toMatchObject({ id: keyId, remaining: 1 });

    // The allowance answered as it was: the next /api/data request agrees.
    const next = await t.http.get('/api/data').set(apiKey(key)).expect(200);
    expect(rateLimitHeaders(next).remaining).toBe(0);
  });

  it('gives an API key its own allowance only, and needs data:read', async () => {
    const user = await registerUser(t.http);
    const key = await createDataKey(t, user);
    await t.http.get('/api/data').set(apiKey(key)).expect(200);
    const own = await t.http
      .get('/api/data/allowance')
      .set(apiKey(key))
      .expect(200);
    expect(own.body).toMatchObject({ remaining: 2, api_keys: [] });

    const profileOnly = await t.http
      .post('/api/api-keys')
      .set(bearer(user.accessToken))
      .send({ name: 'profile only', scopes: ['profile:read'] })
      .expect(201);
    await t.http
      .get('/api/data/allowance')
      .set(apiKey(profileOnly.body.key))
      .expect(403);
    await t.http.get('/api/data/allowance').expect(401);
  });
});

/** Class-level @Auth, one method adding its own @Auth: the guards run twice on it. */
@Controller('reports')
@Auth('jwt')
class ReportsController {
  @Get()
  list(@CurrentUser() user: AuthenticatedUser) {
    return { owner: user.username };
  }

  @Get('export')
  @Auth('jwt')
  @RateLimit('data')
  export(@CurrentUser() user: AuthenticatedUser) {
    return { owner: user.username, rows: [] };
  }
}

/** No imports, no providers: @Auth and @RateLimit bring what they need. */
@Module({ controllers: [ReportsController] })
class ReportsModule {}

describe('@RateLimit on a module of our own', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      env: { RATE_LIMIT_DATA: '2/minute' },
      imports: [ReportsModule],
    });
    await untilRedisIsUp(t);
  });

  afterAll(async () => {
    await t.close();
  });

  it('counts a request once even when @Auth runs on both class and method', async () => {
    const user = await registerUser(t.http);
    const remaining: number[] = [];
    for (let i = 0; i < 2; i += 1) {
      const response = await t.http
        .get('/api/reports/export')
        .set(bearer(user.accessToken));
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ owner: user.username, rows: [] });
      remaining.push(rateLimitHeaders(response).remaining);
    }
    expect(remaining).toEqual([1, 0]);
    const refused = await t.http
      .get('/api/reports/export')
      .set(bearer(user.accessToken));
    expectTooManyRequests(refused, /Rate limit of 2 requests per minute/, 60);
    // The route without a named limit is on the default one.
    const list = await t.http.get('/api/reports').set(bearer(user.accessToken));
    expect(list.status).toBe(200);
    expect(rateLimitHeaders(list)).toMatchObject({
      limit: 1000,
      remaining: 999,
    });
    // Usage counts each request once too: two exports, the list and this read; not the 429.
    const usage = await t.http
      .get('/api/profile/usage')
      .set(bearer(user.accessToken))
      .expect(200);
    const body = usage.body as {
      to: string;
      days: { day: string; count: number }[];
    };
    expect(body.days.find((day) => day.day === body.to)?.count).toBe(4);
  });
});

describe('public routes with RATE_LIMIT_DEFAULT=5/minute', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await appWith({ RATE_LIMIT_DEFAULT: '5/minute', TRUST_PROXY: 'true' });
  });

  afterAll(async () => {
    await t.close();
  });

  it('limits GET /api/health per client address', async () => {
    const ip = uniqueAddress();
    const remaining: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const response = await t.http.get('/api/health').set(from(ip));
      expect(response.status).toBe(200);
      expect(response.body.status).toBe('ok');
      remaining.push(rateLimitHeaders(response).remaining);
    }
    expect(remaining).toEqual([4, 3, 2, 1, 0]);
    const refused = await t.http.get('/api/health').set(from(ip));
    expectTooManyRequests(
      refused,
      /^Rate limit of 5 requests per minute exceeded/,
      60,
    );

    const elsewhere = await t.http
      .get('/api/health')
      .set(from(uniqueAddress()));
    expect(elsewhere.status).toBe(200);
    expect(rateLimitHeaders(elsewhere).remaining).toBe(4);
  });

  it('counts an authenticated user apart from the address it calls from', async () => {
    const ip = uniqueAddress();
    const user = await registerUser(t.http);
    for (let i = 0; i < 5; i += 1) {
      await t.http.get('/api/health').set(from(ip));
    }
    expect((await t.http.get('/api/health').set(from(ip))).status).toBe(429);
    const profile = await t.http
      .get('/api/profile')
      .set(bearer(user.accessToken))
      .set(from(ip));
    expect(profile.status).toBe(200);
    expect(profile.body.user.username).toBe(user.username);
    expect(rateLimitHeaders(profile).remaining).toBe(4);
  });
});

describe('login lockout', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await appWith({ TRUST_PROXY: 'true' });
  });

  afterAll(async () => {
    await t.close();
  });

  function login(username: string, password: string, ip: string) {
    return t.http.post('/api/login').set(from(ip)).send({ username, password });
  }

  async function failTimes(
    times: number,
    username: string,
    ip: string,
  ): Promise<void> {
    for (let i = 0; i < times; i += 1) {
      const response = await login(username, 'wrong password 1', ip);
      expect(response.status).toBe(401);
      expect(response.body.message).toBe('Invalid username or password');
    }
  }

  it('refuses the 6th attempt after 5 wrong passwords, even with the right password', async () => {
    const alice = await registerUser(t.http);
    const ip = uniqueAddress();
    await failTimes(5, alice.username, ip);
    const refused = await login(alice.username, alice.password, ip);
    expectTooManyRequests(refused, /^Too many failed sign-in attempts/, 60);
    expect(refused.body.access_token).toBeUndefined();
    // Basic on any route is the same password check: refused too.
    const viaBasic = await t.http
      .get('/api/profile')
      .set(basic(alice.username, alice.password))
      .set(from(ip));
    expectTooManyRequests(viaBasic, /^Too many failed sign-in attempts/, 60);
    expect(viaBasic.headers['www-authenticate']).toBeUndefined();
  });

  it('does not lock the same user out from another address, nor another user from the same one', async () => {
    const alice = await registerUser(t.http);
    const bob = await registerUser(t.http);
    const attacker = uniqueAddress();
    await failTimes(5, alice.username, attacker);
    expect((await login(alice.username, alice.password, attacker)).status).toBe(
      429,
    );

    const fromHome = await login(
      alice.username,
      alice.password,
      uniqueAddress(),
    );
    expect(fromHome.status).toBe(200);
    const profile = await t.http
      .get('/api/profile')
      .set(bearer(fromHome.body.access_token as string));
    expect(profile.body.user.username).toBe(alice.username);
    const bobThere = await login(bob.username, bob.password, attacker);
    expect(bobThere.status).toBe(200);
    expect(typeof bobThere.body.access_token).toBe('string');
  });

  it('counts Basic, POST /api/login and POST /api/session failures together', async () => {
    const carol = await registerUser(t.http);
    const ip = uniqueAddress();
    for (let i = 0; i < 2; i += 1) {
      const response = await t.http
        .get('/api/profile')
        .set(basic(carol.username, 'wrong password 1'))
        .set(from(ip));
      expect(response.status).toBe(401);
    }
    await failTimes(2, carol.username, ip);
    const session = await t.http
      .post('/api/session')
      .set(from(ip))
      .send({ username: carol.username, password: 'wrong password 1' });
    expect(session.status).toBe(401);

    const viaBasic = await t.http
      .get('/api/profile')
      .set(basic(carol.username, carol.password))
      .set(from(ip));
    expectTooManyRequests(viaBasic, /^Too many failed sign-in attempts/, 60);
    const viaSession = await t.http
      .post('/api/session')
      .set(from(ip))
      .send({ username: carol.username, password: carol.password });
    expectTooManyRequests(viaSession, /^Too many failed sign-in attempts/, 60);
    expect(viaSession.headers['set-cookie']).toBeUndefined();
  });

  it('locks a username that does not exist exactly like one that does', async () => {
    const ip = uniqueAddress();
    const ghost = uniqueUsername('ghost');
    await failTimes(5, ghost, ip);
    const refused = await login(ghost, 'wrong password 1', ip);
    expectTooManyRequests(refused, /^Too many failed sign-in attempts/, 60);
  });

  it('forgets the failures of a pair once its user signs in', async () => {
    const dave = await registerUser(t.http);
    const ip = uniqueAddress();
    await failTimes(4, dave.username, ip);
    expect((await login(dave.username, dave.password, ip)).status).toBe(200);
    await failTimes(4, dave.username, ip);
    const response = await login(dave.username, dave.password, ip);
    expect(response.status).toBe(200);
    expect(typeof response.body.refresh_token).toBe('string');
  });

  it('locks an address that fails 100 times across usernames, for every username', async () => {
    const erin = await registerUser(t.http);
    const sprayer = uniqueAddress();
    for (let i = 0; i < 100; i += 1) {
      const response = await login(
        `sprayed_${i}_${randomBytes(3).toString('hex')}`,
        'Winter2026!',
        sprayer,
      );
      expect(response.status).toBe(401);
    }
    const refused = await login(erin.username, erin.password, sprayer);
    expectTooManyRequests(refused, /^Too many failed sign-in attempts/, 60);
    expect(
      (await login(erin.username, erin.password, uniqueAddress())).status,
    ).toBe(200);
  });

  it('only slows a username sprayed from many addresses: the right password still works', async () => {
    const frank = await registerUser(t.http);
    for (let i = 0; i < 50; i += 1) {
      await failTimes(1, frank.username, uniqueAddress());
    }
    // From a fresh address, the owner gets in at the first try ...
    const owner = await login(frank.username, frank.password, uniqueAddress());
    expect(owner.status).toBe(200);
    // ... but one wrong guess from an address now locks that address out of this username.
    const guesser = uniqueAddress();
    await failTimes(1, frank.username, guesser);
    const refused = await login(frank.username, frank.password, guesser);
    expectTooManyRequests(refused, /^Too many failed sign-in attempts/, 60);
  });

  it('counts a wrong current password on POST /api/profile/password like a sign-in', async () => {
    const grace = await registerUser(t.http);
    const ip = uniqueAddress();
    const { accessToken } = await loginAs(
      t.http,
      grace.username,
      grace.password,
    );
    for (let i = 0; i < 5; i += 1) {
      const response = await t.http
        .post('/api/profile/password')
        .set(bearer(accessToken))
        .set(from(ip))
        .send({
          current_password: 'wrong password 1',
          new_password: 'new password 22',
        });
      expect(response.status).toBe(403);
    }
    const refused = await t.http
      .post('/api/profile/password')
      .set(bearer(accessToken))
      .set(from(ip))
      .send({
        current_password: grace.password,
        new_password: 'new password 22',
      });
    expectTooManyRequests(refused, /^Too many failed sign-in attempts/, 60);
    // The password did not change.
    expect(
      (await login(grace.username, grace.password, uniqueAddress())).status,
    ).toBe(200);
  });
});

/**
 * Two instances sharing one Redis (and one database): what either counts, both see. Runs only
 * with REDIS_URL set (as in .ci/run); it writes under a random key prefix and deletes it after.
 */
const redisUrl = process.env.REDIS_URL;

describeUnless(
  redisSkipReason(),
  'rate limits and lockouts shared through Redis',
  () => {
    const prefix = `gatehouse-test-${randomBytes(6).toString('hex')}:`;
    let a: TestApp;
    let b: TestApp;

    beforeAll(async () => {
      a = await createTestApp({
        env: {
          REDIS_KEY_PREFIX: prefix,
          RATE_LIMIT_DEFAULT: '7/minute',
          RATE_LIMIT_DATA: '3/minute',
          TRUST_PROXY: 'true',
        },
      });
      // The same database and configuration: a second instance behind the same load balancer.
      b = await createTestApp({ dataDir: a.dataDir, env: a.env });
      await untilRedisIsUp(a);
      await untilRedisIsUp(b);
    });

    afterAll(async () => {
      await b?.app.close();
      await a?.close();
      const redis = new Redis(redisUrl as string);
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(
          cursor,
          'MATCH',
          `${prefix}*`,
          'COUNT',
          1000,
        );
        cursor = next;
        if (keys.length > 0) {
          await redis.del(...keys);
        }
      } while (cursor !== '0');
      await redis.quit();
    });

    it('counts a client address across both instances', async () => {
      const ip = uniqueAddress();
      for (let i = 0; i < 4; i += 1) {
        await a.http.get('/api/health').set(from(ip)).expect(200);
      }
      const onB = await b.http.get('/api/health').set(from(ip));
      expect(onB.status).toBe(200);
      expect(rateLimitHeaders(onB)).toEqual({
        limit: 7,
        remaining: 2,
        reset: expect.any(Number),
      });
      await b.http.get('/api/health').set(from(ip)).expect(200);
      await b.http.get('/api/health').set(from(ip)).expect(200);
      const refused = await a.http.get('/api/health').set(from(ip));
      expectTooManyRequests(refused, /Rate limit of 7 requests per minute/, 60);
    });

    it('counts a user on GET /api/data across both instances', async () => {
      const user = await registerUser(a.http);
      await a.http.get('/api/data').set(bearer(user.accessToken)).expect(200);
      await b.http.get('/api/data').set(bearer(user.accessToken)).expect(200);
      await a.http.get('/api/data').set(bearer(user.accessToken)).expect(200);
      const refused = await b.http
        .get('/api/data')
        .set(bearer(user.accessToken));
      expectTooManyRequests(refused, /Rate limit of 3 requests per minute/, 60);
    });

    it('locks a username for an address on both instances', async () => {
      const user = await registerUser(a.http);
      const ip = uniqueAddress();
      for (const t of [a, b, a, b, a]) {
        const response = await t.http
          .post('/api/login')
          .set(from(ip))
          .send({ username: user.username, password: 'wrong password 1' });
        expect(response.status).toBe(401);
      }
      for (const t of [a, b]) {
        const refused = await t.http
          .post('/api/login')
          .set(from(ip))
          .send({ username: user.username, password: user.password });
        expectTooManyRequests(refused, /^Too many failed sign-in attempts/, 60);
      }
    });
  },
);

describe('rate limits with REDIS_URL set but Redis unreachable', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        // Nothing listens on port 1: every instance counts in its own memory.
        REDIS_URL: 'redis://127.0.0.1:1',
        RATE_LIMIT_DEFAULT: '10/minute',
        TRUST_PROXY: 'true',
      },
    });
  });

  afterAll(async () => {
    await t.close();
  });

  it("still limits, in this instance's memory", async () => {
    const ip = uniqueAddress();
    const first = await t.http.get('/api/health').set(from(ip));
    expect(first.body).toEqual({ status: 'ok', database: 'up', redis: 'down' });
    for (let i = 1; i < 10; i += 1) {
      await t.http.get('/api/health').set(from(ip)).expect(200);
    }
    const refused = await t.http.get('/api/health').set(from(ip));
    expectTooManyRequests(refused, /Rate limit of 10 requests per minute/, 60);
  });

  it('still locks out repeated failures', async () => {
    const ip = uniqueAddress();
    const username = uniqueUsername('ghost');
    for (let i = 0; i < 5; i += 1) {
      const response = await t.http
        .post('/api/login')
        .set(from(ip))
        .send({ username, password: 'wrong password 1' });
      expect(response.status).toBe(401);
    }
    const refused = await t.http
      .post('/api/login')
      .set(from(ip))
      .send({ username, password: 'wrong password 1' });
    expectTooManyRequests(refused, /^Too many failed sign-in attempts/, 60);
  });
});

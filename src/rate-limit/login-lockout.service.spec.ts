import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { describeUnless, redisSkipReason } from '../../test/support/skip';
import { enterRequestContext } from '../common/http/request-context';
import { TooManyRequestsException } from '../common/http/too-many-requests.exception';
import { loadConfig } from '../config/app-config';
import type { RedisService } from '../redis/redis.service';
import { lockoutKeys } from './lockout-policy';
import { LoginLockoutService, subjectsFor } from './login-lockout.service';

// eslint-disable-next-line no-restricted-syntax -- the Redis cases run only where a Redis is given
const redisUrl = process.env.REDIS_URL;

interface Backend {
  service: LoginLockoutService;
  /** Lets the current locks of `username` from `ip`, and of `ip`, run out. */
  outlast(username: string, ip: string, seconds: number): Promise<void>;
  close(): Promise<void>;
}

function inMemory(): Backend {
  // Only the clock: the tests wait on setImmediate for attempts to reach their checks.
  jest.useFakeTimers({
    now: new Date('2026-01-01T00:00:00Z'),
    doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'],
  });
  const config = loadConfig({}, () => 'x'.repeat(32));
  return {
    service: new LoginLockoutService(config, {
      client: null,
    } as unknown as RedisService),
    outlast(_username, _ip, seconds) {
      jest.setSystemTime(Date.now() + seconds * 1000);
      return Promise.resolve();
    },
    close() {
      jest.useRealTimers();
      return Promise.resolve();
    },
  };
}

/** Redis keeps its own time: a lock running out is played by deleting it. */
function inRedis(): Backend {
  const prefix = `gatehouse-unit-${randomBytes(6).toString('hex')}:`;
  const client = new Redis(redisUrl as string);
  const config = loadConfig({ REDIS_KEY_PREFIX: prefix }, () => 'x'.repeat(32));
  return {
    service: new LoginLockoutService(config, {
      client,
    } as unknown as RedisService),
    async outlast(username, ip) {
      const keys = lockoutKeys(subjectsFor(username, ip));
      await client.del(
        `${prefix}lockout:${keys[1]}`,
        `${prefix}lockout:${keys[6]}`,
      );
    },
    async close() {
      const keys = await client.keys(`${prefix}*`);
      if (keys.length > 0) {
        await client.del(...keys);
      }
      await client.quit();
    },
  };
}

let counter = 0;
function unique(prefix: string): string {
  counter += 1;
  return `${prefix}${counter}_${randomBytes(3).toString('hex')}`;
}
function uniqueIp(): string {
  counter += 1;
  return `203.0.${Math.floor(counter / 250) % 250}.${(counter % 250) + 1}`;
}

function deferred<T>(): { promise: Promise<T>; resolve(value: T): void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** The same cases against either store. */
function lockoutCases(make: () => Backend): void {
  let backend: Backend;

  beforeEach(() => {
    backend = make();
  });

  afterEach(async () => {
    await backend.close();
  });

  /** One password check for `username` from `ip`; resolves to whether the check ran. */
  function attempt(
    username: string,
    ip: string,
    outcome: 'right' | 'wrong',
  ): Promise<string | null> {
    enterRequestContext({ requestId: 'test', ip, userAgent: null });
    return backend.service.attempt(username, () =>
      Promise.resolve(outcome === 'right' ? 'user' : null),
    );
  }

  async function failTimes(times: number, username: string, ip: string) {
    for (let i = 0; i < times; i += 1) {
      expect(await attempt(username, ip, 'wrong')).toBeNull();
    }
  }

  /** The seconds the refusal asks to wait; fails the test if the attempt is not refused. */
  async function refusal(username: string, ip: string): Promise<number> {
    enterRequestContext({ requestId: 'test', ip, userAgent: null });
    const check = jest.fn(() => Promise.resolve('user'));
    const error: unknown = await backend.service.attempt(username, check).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(TooManyRequestsException);
    expect(check).not.toHaveBeenCalled();
    const exception = error as TooManyRequestsException;
    expect(exception.getStatus()).toBe(429);
    expect(exception.message).toBe(
      `Too many failed sign-in attempts: try again in ${exception.retryAfterSeconds} s`,
    );
    return exception.retryAfterSeconds;
  }

  it('locks a username for an address after 5 failures, for a minute, before checking anything', async () => {
    const [alice, ip] = [unique('alice'), uniqueIp()];
    await failTimes(4, alice, ip);
    expect(await attempt(alice, ip, 'wrong')).toBeNull();
    expect(await refusal(alice, ip)).toBe(60);
  });

  it('doubles the lock at each failure after one, up to 15 minutes', async () => {
    const [alice, ip] = [unique('alice'), uniqueIp()];
    await failTimes(5, alice, ip);
    const locks = [await refusal(alice, ip)];
    for (let i = 0; i < 5; i += 1) {
      await backend.outlast(alice, ip, locks[locks.length - 1]);
      await failTimes(1, alice, ip);
      locks.push(await refusal(alice, ip));
    }
    expect(locks).toEqual([60, 120, 240, 480, 900, 900]);
  });

  it('gives a locked pair one try when its lock ends, and the right password gets in', async () => {
    const [alice, ip] = [unique('alice'), uniqueIp()];
    await failTimes(5, alice, ip);
    await backend.outlast(alice, ip, 60);
    expect(await attempt(alice, ip, 'right')).toBe('user');
    await failTimes(4, alice, ip);
    expect(await attempt(alice, ip, 'right')).toBe('user');
  });

  it('locks neither the same username from another address nor another username', async () => {
    const [alice, bob, ip] = [unique('alice'), unique('bob'), uniqueIp()];
    await failTimes(5, alice, ip);
    await refusal(alice, ip);
    expect(await attempt(alice, uniqueIp(), 'right')).toBe('user');
    expect(await attempt(bob, ip, 'right')).toBe('user');
  });

  it('tells how long a pair or an address is locked, without counting the question', async () => {
    const [alice, ip] = [unique('alice'), uniqueIp()];
    enterRequestContext({ requestId: 'test', ip, userAgent: null });
    expect(await backend.service.lockedFor(alice)).toBe(0);
    await failTimes(4, alice, ip);
    for (let i = 0; i < 10; i += 1) {
      enterRequestContext({ requestId: 'test', ip, userAgent: null });
      expect(await backend.service.lockedFor(alice)).toBe(0);
    }
    // Ten questions counted neither as failures nor as checks in flight: one more try is left.
    expect(await attempt(alice, ip, 'right')).toBe('user');
    await failTimes(5, alice, ip);
    enterRequestContext({ requestId: 'test', ip, userAgent: null });
    const wait = await backend.service.lockedFor(alice);
    expect(wait).toBeGreaterThan(55_000);
    expect(wait).toBeLessThanOrEqual(60_000);
    enterRequestContext({ requestId: 'test', ip: uniqueIp(), userAgent: null });
    expect(await backend.service.lockedFor(alice)).toBe(0);
  });

  it('clears the failures of a pair when its password is right', async () => {
    const [alice, ip] = [unique('alice'), uniqueIp()];
    await failTimes(4, alice, ip);
    expect(await attempt(alice, ip, 'right')).toBe('user');
    await failTimes(4, alice, ip);
    expect(await attempt(alice, ip, 'wrong')).toBeNull();
    await refusal(alice, ip);
  });

  it('counts checks in flight, so parallel guesses get no more in than sequential ones', async () => {
    const [alice, ip] = [unique('alice'), uniqueIp()];
    const checks = Array.from({ length: 5 }, () => deferred<string | null>());
    enterRequestContext({ requestId: 'test', ip, userAgent: null });
    const inFlight = checks.map((check) =>
      backend.service.attempt(alice, () => check.promise),
    );
    // Let every attempt reach its check.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(await refusal(alice, ip)).toBe(1);
    for (const check of checks) {
      check.resolve(null);
    }
    expect(await Promise.all(inFlight)).toEqual([null, null, null, null, null]);
    expect(await refusal(alice, ip)).toBe(60);
  });

  it('lets a pair that signed in have 32 checks in flight (Basic from a connection pool)', async () => {
    const [alice, ip] = [unique('alice'), uniqueIp()];
    expect(await attempt(alice, ip, 'right')).toBe('user');
    const checks = Array.from({ length: 32 }, () => deferred<string | null>());
    enterRequestContext({ requestId: 'test', ip, userAgent: null });
    const inFlight = checks.map((check) =>
      backend.service.attempt(alice, () => check.promise),
    );
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(await refusal(alice, ip)).toBe(1);
    for (const check of checks) {
      check.resolve('user');
    }
    expect(await Promise.all(inFlight)).toHaveLength(32);
    expect(await attempt(alice, ip, 'right')).toBe('user');
  });

  it('does not count a check that threw, and lets its error through', async () => {
    const [alice, ip] = [unique('alice'), uniqueIp()];
    enterRequestContext({ requestId: 'test', ip, userAgent: null });
    for (let i = 0; i < 6; i += 1) {
      await expect(
        backend.service.attempt(alice, () =>
          Promise.reject(new Error('database down')),
        ),
      ).rejects.toThrow('database down');
    }
    await failTimes(4, alice, ip);
    expect(await attempt(alice, ip, 'right')).toBe('user');
  });

  it('locks an address that fails 100 times across usernames, for every username', async () => {
    const ip = uniqueIp();
    for (let i = 0; i < 100; i += 1) {
      await failTimes(1, unique('sprayed'), ip);
    }
    expect(await refusal(unique('anyone'), ip)).toBe(60);
    expect(await attempt(unique('anyone'), uniqueIp(), 'right')).toBe('user');
  });

  it('only slows a username failing 50 times across addresses: one try per address', async () => {
    const frank = unique('frank');
    for (let i = 0; i < 50; i += 1) {
      await failTimes(1, frank, uniqueIp());
    }
    expect(await attempt(frank, uniqueIp(), 'right')).toBe('user');
    const guesser = uniqueIp();
    await failTimes(1, frank, guesser);
    expect(await refusal(frank, guesser)).toBe(60);
  });

  it('counts IPv6 addresses of one /64 as one address', async () => {
    const alice = unique('alice');
    for (let i = 1; i <= 5; i += 1) {
      await failTimes(1, alice, `2001:db8:1:2::${i}`);
    }
    expect(await refusal(alice, '2001:db8:1:2:ffff::1')).toBe(60);
    expect(await attempt(alice, '2001:db8:1:3::1', 'right')).toBe('user');
  });
}

describe(`${LoginLockoutService.name} in memory`, () => lockoutCases(inMemory));
describeUnless(redisSkipReason(), `${LoginLockoutService.name} in Redis`, () =>
  lockoutCases(inRedis),
);

describe(`${LoginLockoutService.name} over time (in memory)`, () => {
  let backend: Backend;

  beforeEach(() => {
    backend = inMemory();
  });

  afterEach(async () => {
    await backend.close();
  });

  function attempt(username: string, ip: string, right: boolean) {
    enterRequestContext({ requestId: 'test', ip, userAgent: null });
    return backend.service.attempt(username, () =>
      Promise.resolve(right ? 'user' : null),
    );
  }

  it('forgets failures 15 minutes after the last one', async () => {
    const [alice, ip] = ['alice', '192.0.2.1'];
    for (let i = 0; i < 4; i += 1) {
      await attempt(alice, ip, false);
    }
    await backend.outlast(alice, ip, 15 * 60 + 1);
    for (let i = 0; i < 4; i += 1) {
      await attempt(alice, ip, false);
    }
    expect(await attempt(alice, ip, true)).toBe('user');
  });

  it('keeps counting failures that keep coming, however slowly', async () => {
    const [alice, ip] = ['alice', '192.0.2.2'];
    for (let i = 0; i < 5; i += 1) {
      await attempt(alice, ip, false);
      await backend.outlast(alice, ip, 10 * 60);
    }
    // The fifth failure locked the pair for a minute, which has passed; the next failure
    // doubles it.
    await attempt(alice, ip, false);
    await expect(attempt(alice, ip, true)).rejects.toMatchObject({
      retryAfterSeconds: 120,
    });
  });

  it('keeps a lock recorded in memory while Redis was away once it is back', async () => {
    const config = loadConfig({}, () => 'x'.repeat(32));
    const evalsha = jest.fn().mockResolvedValue(0);
    let client: unknown = null;
    const service = new LoginLockoutService(config, {
      get client() {
        return client;
      },
    } as unknown as RedisService);
    enterRequestContext({
      requestId: 'test',
      ip: '192.0.2.3',
      userAgent: null,
    });
    for (let i = 0; i < 5; i += 1) {
      await service.attempt('alice', () => Promise.resolve(null));
    }
    client = { evalsha };
    await expect(
      service.attempt('alice', () => Promise.resolve('user')),
    ).rejects.toBeInstanceOf(TooManyRequestsException);
    expect(evalsha).not.toHaveBeenCalled();
    expect(await service.attempt('bob', () => Promise.resolve('user'))).toBe(
      'user',
    );
    expect(evalsha).toHaveBeenCalled();
  });
});

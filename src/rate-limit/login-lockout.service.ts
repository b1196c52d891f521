import { Injectable, Logger } from '@nestjs/common';
import { normalizeIp } from '@nestjs/throttler';
import { currentRequest } from '../common/http/request-context';
import { TooManyRequestsException } from '../common/http/too-many-requests.exception';
import { AppConfig } from '../config/app-config';
import { RedisService } from '../redis/redis.service';
import {
  lockoutKeys,
  type LockoutSubjects,
  POLICY_ARGS,
} from './lockout-policy';
import {
  LOCKOUT_SCRIPT,
  type LockoutOperation,
  MemoryLockout,
} from './lockout-store';
import { RedisOrMemory } from './redis-or-memory';
import { setBounded } from '../common/bounded-map';
import { sha256Hex } from '../common/crypto/sha256';

/** Keys held at once in memory (about 8 per pair); past it the oldest are forgotten first. */
const MEMORY_MAX_KEYS = 200_000;
const USERNAME_DIGESTS_KEPT = 10_000;

/**
 * Brute-force protection for password checks (policy: lockout-policy.ts). State lives in Redis
 * while it is up, shared by every instance, else in this instance's memory; a lock recorded in
 * memory while Redis was away still holds after it returns.
 */
@Injectable()
export class LoginLockoutService {
  private readonly logger = new Logger(LoginLockoutService.name);
  private readonly memory = new MemoryLockout(MEMORY_MAX_KEYS);
  private readonly store: RedisOrMemory;
  private readonly verifiedUsernameDigests = new Map<string, string>();

  constructor(
    private readonly config: AppConfig,
    private readonly redis: RedisService,
  ) {
    this.store = new RedisOrMemory(redis, this.logger);
  }

  /**
   * The milliseconds `username` from the current client address must wait, else 0. Reads the
   * locks and counts nothing: for a request that makes no guess, such as Basic credentials
   * verified moments ago, which must still be refused while their pair is locked (else the
   * right password would answer 200 to a guesser whose wrong ones get 429).
   */
  lockedFor(username: string): number | Promise<number> {
    const subjects = subjectsFor(
      username,
      currentRequest()?.ip,
      this.usernameDigest(username),
    );
    const inMemory = this.memory.lockedFor(subjects);
    if (inMemory > 0 || !this.redis.client) {
      return inMemory;
    }
    return this.run('peek', subjects);
  }

  /**
   * `lockedFor` runs on every Basic request of a verified credential: its username's digest is
   * kept (a bounded few, and only of usernames whose password was right, so no list of names
   * people tried builds up here).
   */
  private usernameDigest(username: string): string {
    let digest = this.verifiedUsernameDigests.get(username);
    if (digest === undefined) {
      digest = hashUsername(username);
      setBounded(
        this.verifiedUsernameDigests,
        username,
        digest,
        USERNAME_DIGESTS_KEPT,
      );
    }
    return digest;
  }

  /**
   * Runs `check` (a password check; null means it failed) for `username` (normalised, whether
   * or not such a user exists) from the current request's client address, and counts the
   * outcome. Refuses with 429 and Retry-After, before running `check`, while that username is
   * locked for that address or the address is locked.
   */
  async attempt<T>(
    username: string,
    check: () => Promise<T | null>,
  ): Promise<T | null> {
    const subjects = subjectsFor(username, currentRequest()?.ip);
    const wait =
      this.memory.lockedFor(subjects) || (await this.run('begin', subjects));
    if (wait > 0) {
      const seconds = Math.max(1, Math.ceil(wait / 1000));
      throw new TooManyRequestsException(
        `Too many failed sign-in attempts: try again in ${seconds} s`,
        seconds,
      );
    }
    let result: T | null;
    try {
      result = await check();
    } catch (error) {
      await this.run('abandon', subjects);
      throw error;
    }
    await this.run(result === null ? 'fail' : 'succeed', subjects);
    return result;
  }

  private run(
    op: LockoutOperation,
    subjects: LockoutSubjects,
  ): Promise<number> {
    const prefix = `${this.config.redisKeyPrefix}lockout:`;
    return this.store.run(
      async (client) => {
        const reply = await LOCKOUT_SCRIPT.run(
          client,
          lockoutKeys(subjects).map((key) => prefix + key),
          [op, ...POLICY_ARGS],
        );
        if (typeof reply !== 'number') {
          throw new Error('unexpected reply from the lockout script');
        }
        return reply;
      },
      () => this.memory.run(op, subjects),
    );
  }
}

/** Usernames are hashed: keys stay short, and Redis holds no list of names people tried. */
export function subjectsFor(
  username: string,
  ip: string | undefined,
  user = hashUsername(username),
): LockoutSubjects {
  // An IPv6 client usually holds a whole /64: count it as one address.
  const address = ip ? normalizeIp(ip) : 'unknown';
  return { pair: `${user}:${address}`, username: user, address };
}

function hashUsername(username: string): string {
  return sha256Hex(username).slice(0, 32);
}

import { ExpiringMap } from './expiring-map';
import {
  ADDRESS_FAILURE_LIMIT,
  BUSY_RETRY_MS,
  FAILURE_WINDOW_MS,
  IN_FLIGHT_TTL_MS,
  lockDurationMs,
  lockoutKeys,
  type LockoutSubjects,
  PAIR_FAILURE_LIMIT,
  TRUSTED_PAIR_IN_FLIGHT,
  USERNAME_FAILURE_LIMIT,
} from './lockout-policy';
import { RedisScript } from './redis-script';

/**
 * `begin` before a password check: 0 to go ahead (the check is then in flight), else the
 * milliseconds to wait. Then exactly one of `fail`, `succeed` or `abandon` (the check threw).
 * `peek` reads the milliseconds left on a lock of the pair or the address, and changes nothing.
 */
export type LockoutOperation =
  'begin' | 'fail' | 'succeed' | 'abandon' | 'peek';

/**
 * The policy in Lua, so that Redis runs each step atomically for every instance. It mirrors
 * MemoryLockout below line for line: a change to one is a change to both (the unit tests run
 * the same cases on each).
 */
export const LOCKOUT_SCRIPT = new RedisScript(`
local pairF, pairL, pairP, pairS, userF, addrF, addrL, addrP =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8]
local op = ARGV[1]
-- ARGV[2..10]: POLICY_ARGS (milliseconds go to Redis as the integer strings they arrived as)
local PAIR_LIMIT, USER_LIMIT, ADDR_LIMIT, TRUSTED_IN_FLIGHT =
  tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local WINDOW, FIRST_LOCK, MAX_LOCK, BUSY =
  tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])

local function num(key) return tonumber(redis.call('GET', key) or '0') end
local function release(key)
  if num(key) > 0 then redis.call('DECR', key) end
end
local function hold(key)
  redis.call('INCR', key)
  redis.call('PEXPIRE', key, ARGV[6])
end
local function pairLimit()
  if num(userF) >= USER_LIMIT then return 1 end
  return PAIR_LIMIT
end
local function count(failuresKey, lockKey, limit)
  local failures = redis.call('INCR', failuresKey)
  local keep = WINDOW
  if failures >= limit then
    local lock = math.min(FIRST_LOCK * 2 ^ math.min(failures - limit, 20), MAX_LOCK)
    redis.call('SET', lockKey, '1', 'PX', string.format('%d', lock))
    keep = WINDOW + lock
  end
  redis.call('PEXPIRE', failuresKey, string.format('%d', keep))
end

if op == 'peek' then
  return math.max(0, redis.call('PTTL', pairL), redis.call('PTTL', addrL))
end
if op == 'begin' then
  local wait = math.max(redis.call('PTTL', pairL), redis.call('PTTL', addrL))
  if wait > 0 then return wait end
  local limit = pairLimit()
  local failures, inFlight = num(pairF), num(pairP)
  local allowance = limit
  if failures == 0 and redis.call('EXISTS', pairS) == 1 then
    allowance = math.max(limit, TRUSTED_IN_FLIGHT)
  end
  if inFlight > 0 and failures + inFlight >= allowance then return BUSY end
  local addrInFlight = num(addrP)
  if addrInFlight > 0 and num(addrF) + addrInFlight >= ADDR_LIMIT then return BUSY end
  hold(pairP)
  hold(addrP)
  return 0
end
release(pairP)
release(addrP)
if op == 'fail' then
  local limit = pairLimit()
  redis.call('INCR', userF)
  redis.call('PEXPIRE', userF, ARGV[7])
  count(pairF, pairL, limit)
  count(addrF, addrL, ADDR_LIMIT)
elseif op == 'succeed' then
  redis.call('DEL', pairF, pairL)
  redis.call('SET', pairS, '1', 'PX', ARGV[7])
end
return 0
`);

/** The same policy in this instance's memory, bounded (see ExpiringMap). */
export class MemoryLockout {
  private readonly map: ExpiringMap;

  constructor(maxEntries: number) {
    this.map = new ExpiringMap(maxEntries);
  }

  run(op: LockoutOperation, subjects: LockoutSubjects): number {
    const [pairF, pairL, pairP, pairS, userF, addrF, addrL, addrP] =
      lockoutKeys(subjects);
    if (op === 'peek') {
      return this.lockedFor(subjects);
    }
    const m = this.map;
    const num = (key: string) => m.get(key) ?? 0;
    const release = (key: string) => {
      if (num(key) > 0) {
        m.incr(key, -1);
      }
    };
    const hold = (key: string) => {
      m.incr(key);
      m.expire(key, IN_FLIGHT_TTL_MS);
    };
    const pairLimit = () =>
      num(userF) >= USERNAME_FAILURE_LIMIT ? 1 : PAIR_FAILURE_LIMIT;
    const count = (failuresKey: string, lockKey: string, limit: number) => {
      const failures = m.incr(failuresKey);
      let keep = FAILURE_WINDOW_MS;
      if (failures >= limit) {
        const lock = lockDurationMs(failures, limit);
        m.set(lockKey, 1, lock);
        keep = FAILURE_WINDOW_MS + lock;
      }
      m.expire(failuresKey, keep);
    };

    if (op === 'begin') {
      const wait = Math.max(m.ttl(pairL), m.ttl(addrL));
      if (wait > 0) {
        return wait;
      }
      const limit = pairLimit();
      const failures = num(pairF);
      const inFlight = num(pairP);
      let allowance = limit;
      if (failures === 0 && m.exists(pairS)) {
        allowance = Math.max(limit, TRUSTED_PAIR_IN_FLIGHT);
      }
      if (inFlight > 0 && failures + inFlight >= allowance) {
        return BUSY_RETRY_MS;
      }
      const addrInFlight = num(addrP);
      if (
        addrInFlight > 0 &&
        num(addrF) + addrInFlight >= ADDRESS_FAILURE_LIMIT
      ) {
        return BUSY_RETRY_MS;
      }
      hold(pairP);
      hold(addrP);
      return 0;
    }
    release(pairP);
    release(addrP);
    if (op === 'fail') {
      const limit = pairLimit();
      m.incr(userF);
      m.expire(userF, FAILURE_WINDOW_MS);
      count(pairF, pairL, limit);
      count(addrF, addrL, ADDRESS_FAILURE_LIMIT);
    } else if (op === 'succeed') {
      m.delete(pairF);
      m.delete(pairL);
      m.set(pairS, 1, FAILURE_WINDOW_MS);
    }
    return 0;
  }

  /** Milliseconds left on a lock recorded here (while Redis was away), else 0. */
  lockedFor(subjects: LockoutSubjects): number {
    const keys = lockoutKeys(subjects);
    return Math.max(0, this.map.ttl(keys[1]), this.map.ttl(keys[6]));
  }
}

/*
 * Brute-force policy for password checks. A "pair" is one username from one client address.
 * Failures are forgotten FAILURE_WINDOW_MS after the last one, or after the lock it caused ends
 * (a sliding window): an attacker waiting out each lock keeps the count, and its growing lock.
 *
 * - A pair is locked after PAIR_FAILURE_LIMIT failures: 1 min, then each further failure
 *   (one try after each lock ends) doubles it, up to 15 min. A success clears the pair.
 * - A username failing USERNAME_FAILURE_LIMIT times across all addresses is being sprayed from
 *   many addresses: each of its pairs is then locked after its first failure instead of its
 *   fifth. Nobody is locked out by this alone: a right password still works on the first try
 *   from any address, so an attacker cannot deny a user their account, only slow the guessing.
 * - An address failing ADDRESS_FAILURE_LIMIT times across all usernames is locked for every
 *   username, the same growing way (one password sprayed over many names). Everyone behind
 *   that address (a NAT, a proxy not in TRUST_PROXY) shares the lock: the limit is high for it.
 * - Checks in flight count, so parallel requests cannot get more guesses in than sequential
 *   ones; a pair that succeeded within the window (and has not failed since) may have up to
 *   TRUSTED_PAIR_IN_FLIGHT checks at once, for a service using Basic from a connection pool.
 */

export const PAIR_FAILURE_LIMIT = 5;
export const USERNAME_FAILURE_LIMIT = 50;
export const ADDRESS_FAILURE_LIMIT = 100;
export const FAILURE_WINDOW_MS = 15 * 60_000;
export const FIRST_LOCK_MS = 60_000;
export const MAX_LOCK_MS = 15 * 60_000;
export const TRUSTED_PAIR_IN_FLIGHT = 32;
/** How long a check in flight is counted if its instance dies before settling it. */
export const IN_FLIGHT_TTL_MS = 60_000;
/** What a request refused for too many checks in flight (not a lock) is told to wait. */
export const BUSY_RETRY_MS = 1000;

/** The lock after the failure that brought the count to `failures` (at least `limit`). */
export function lockDurationMs(failures: number, limit: number): number {
  return Math.min(
    FIRST_LOCK_MS * 2 ** Math.min(failures - limit, 20),
    MAX_LOCK_MS,
  );
}

/** What one password check is counted against. */
export interface LockoutSubjects {
  /** `<username hash>:<address>` */
  readonly pair: string;
  readonly username: string;
  readonly address: string;
}

/** The keys each subject's state lives under, the same in Redis (after a prefix) and in memory. */
export function lockoutKeys(subjects: LockoutSubjects): string[] {
  const { pair, username, address } = subjects;
  return [
    `f:pair:${pair}`, // failures
    `l:pair:${pair}`, // lock
    `p:pair:${pair}`, // checks in flight
    `s:pair:${pair}`, // signed in within the window
    `f:user:${username}`,
    `f:addr:${address}`,
    `l:addr:${address}`,
    `p:addr:${address}`,
  ];
}

/** Passed to the Redis script in this order; the memory store reads the constants directly. */
export const POLICY_ARGS = [
  PAIR_FAILURE_LIMIT,
  USERNAME_FAILURE_LIMIT,
  ADDRESS_FAILURE_LIMIT,
  TRUSTED_PAIR_IN_FLIGHT,
  IN_FLIGHT_TTL_MS,
  FAILURE_WINDOW_MS,
  FIRST_LOCK_MS,
  MAX_LOCK_MS,
  BUSY_RETRY_MS,
] as const;

/** A key as the timeline sees it; times in epoch milliseconds. */
export interface TimelineKey {
  readonly kid: string;
  readonly generation: number;
  readonly createdAt: number;
  readonly activatesAt: number;
  readonly revokedAt: number | null;
  /** ES256 or EdDSA; absent when it does not matter (tests of the timeline alone). */
  readonly algorithm?: string;
}

/**
 * - `next`: published, not signing yet (clients' JWKS caches learn it first);
 * - `active`: the one key that signs;
 * - `retired`: replaced, still published while tokens it signed may be alive;
 * - `expired`: no live token can carry it: neither published nor accepted;
 * - `revoked`: refused at once, whatever it signed.
 */
export type KeyState = 'next' | 'active' | 'retired' | 'expired' | 'revoked';

export interface KeyStatus {
  readonly state: KeyState;
  /** When a successor took over (retired and expired keys). */
  readonly retiredAt: number | null;
  /** Until when it verifies tokens (retired keys); null while it has no end yet. */
  readonly publishedUntil: number | null;
}

export interface TimelinePolicy {
  readonly rotationMs: number;
  /** The JWKS answer's Cache-Control max-age. */
  readonly jwksMaxAgeMs: number;
  /** How long a new key is published before it signs. */
  readonly leadMs: number;
  /** How long a retired key stays published: the last token it signed expires by then. */
  readonly retiredPublishedMs: number;
  /** How often every instance re-reads the keys (and rotates if due). */
  readonly refreshMs: number;
}

const MAX_JWKS_MAX_AGE_S = 300;
const MAX_REFRESH_S = 30;

/**
 * The JWKS max-age is 5 minutes, or a quarter of the rotation period when that is shorter;
 * a new key is published two max-ages before it signs, so a client's cached JWKS has it by
 * then (and a client meeting an unknown kid re-fetches anyway). A retired key stays published
 * for the access-token lifetime plus one max-age (clock skew between instances). Each instance
 * re-reads the keys at least every 30 s, well within the lead.
 */
export function timelinePolicy(
  rotationSeconds: number,
  accessTokenTtlSeconds: number,
): TimelinePolicy {
  const maxAgeS = Math.max(
    1,
    Math.min(MAX_JWKS_MAX_AGE_S, Math.floor(rotationSeconds / 4)),
  );
  return {
    rotationMs: rotationSeconds * 1000,
    jwksMaxAgeMs: maxAgeS * 1000,
    leadMs: 2 * maxAgeS * 1000,
    retiredPublishedMs: (accessTokenTtlSeconds + maxAgeS) * 1000,
    refreshMs:
      Math.max(1, Math.min(MAX_REFRESH_S, Math.floor(maxAgeS / 2))) * 1000,
  };
}

/**
 * Every key's state at `now`. Generations activate in order (a new key never activates before
 * an older one), so a live key retires when the next live generation activates.
 */
export function keyStatuses(
  keys: readonly TimelineKey[],
  now: number,
  policy: TimelinePolicy,
): Map<string, KeyStatus> {
  const statuses = new Map<string, KeyStatus>();
  const live = keys
    .filter((key) => key.revokedAt === null)
    .sort((a, b) => a.generation - b.generation);
  for (const key of keys) {
    if (key.revokedAt !== null) {
      statuses.set(key.kid, {
        state: 'revoked',
        retiredAt: null,
        publishedUntil: null,
      });
    }
  }
  live.forEach((key, index) => {
    const successor = live[index + 1];
    if (key.activatesAt > now) {
      statuses.set(key.kid, {
        state: 'next',
        retiredAt: null,
        publishedUntil: null,
      });
    } else if (successor && successor.activatesAt <= now) {
      const publishedUntil = successor.activatesAt + policy.retiredPublishedMs;
      statuses.set(key.kid, {
        state: now < publishedUntil ? 'retired' : 'expired',
        retiredAt: successor.activatesAt,
        publishedUntil,
      });
    } else {
      statuses.set(key.kid, {
        state: 'active',
        retiredAt: null,
        publishedUntil: null,
      });
    }
  });
  return statuses;
}

export type KeyPlan =
  | { readonly kind: 'none' }
  /** Generate a key that signs from `activatesAt`. */
  | { readonly kind: 'create'; readonly activatesAt: number }
  /** No key signs, but one waits: let it sign now (after a revocation). */
  | { readonly kind: 'promote'; readonly kid: string };

/**
 * What the keystore must do at `now` so that a key always signs and its successor is
 * published a lead ahead: nothing; create the first key (signing at once, as nothing can have
 * cached a JWKS yet); create the next one (at the end of the period, or a lead from now when
 * JWT_ALGORITHM changed to `algorithm`); or promote a waiting key when none signs.
 */
export function planRotation(
  keys: readonly TimelineKey[],
  now: number,
  policy: TimelinePolicy,
  algorithm?: string,
): KeyPlan {
  const statuses = keyStatuses(keys, now, policy);
  const live = keys.filter((key) => key.revokedAt === null);
  const active = live.find((key) => statuses.get(key.kid)?.state === 'active');
  const waiting = live
    .filter((key) => statuses.get(key.kid)?.state === 'next')
    .sort((a, b) => a.generation - b.generation)[0];
  if (!active) {
    return waiting
      ? { kind: 'promote', kid: waiting.kid }
      : { kind: 'create', activatesAt: now };
  }
  if (waiting) {
    return { kind: 'none' };
  }
  const due =
    algorithm !== undefined && active.algorithm !== algorithm
      ? now
      : active.activatesAt + policy.rotationMs;
  if (now < due - policy.leadMs) {
    return { kind: 'none' };
  }
  return { kind: 'create', activatesAt: Math.max(now + policy.leadMs, due) };
}

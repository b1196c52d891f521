import {
  keyStatuses,
  planRotation,
  type TimelineKey,
  timelinePolicy,
} from './key-timeline';

const DAY = 86_400_000;
const policy = timelinePolicy(30 * 86_400, 900);
const T0 = Date.UTC(2026, 0, 1);

function key(
  generation: number,
  activatesAt: number,
  revokedAt: number | null = null,
): TimelineKey {
  return {
    kid: `k${generation}`,
    generation,
    createdAt: activatesAt - policy.leadMs,
    activatesAt,
    revokedAt,
  };
}

describe('timelinePolicy', () => {
  it('caches the JWKS 5 minutes, publishes 10 minutes ahead, keeps a retired key TTL + 5 minutes', () => {
    expect(policy).toEqual({
      rotationMs: 30 * DAY,
      jwksMaxAgeMs: 300_000,
      leadMs: 600_000,
      retiredPublishedMs: 1_200_000,
      refreshMs: 30_000,
    });
  });

  it('shrinks the max-age and lead to fit a short rotation period', () => {
    const short = timelinePolicy(8, 2);
    expect(short.jwksMaxAgeMs).toBe(2000);
    expect(short.leadMs).toBe(4000);
    expect(short.refreshMs).toBe(1000);
    expect(short.leadMs).toBeLessThan(short.rotationMs);
  });
});

describe('keyStatuses', () => {
  it('walks one key through next → active → retired → expired', () => {
    const keys = [key(1, T0), key(2, T0 + 30 * DAY)];
    const state = (now: number) => keyStatuses(keys, now, policy);
    expect(state(T0 + DAY).get('k1')?.state).toBe('active');
    expect(state(T0 + 30 * DAY - 1).get('k2')?.state).toBe('next');
    expect(state(T0 + 30 * DAY - 1).get('k1')?.state).toBe('active');
    const retired = state(T0 + 30 * DAY).get('k1');
    expect(retired).toEqual({
      state: 'retired',
      retiredAt: T0 + 30 * DAY,
      publishedUntil: T0 + 30 * DAY + policy.retiredPublishedMs,
    });
    expect(state(T0 + 30 * DAY).get('k2')?.state).toBe('active');
    expect(
      state(T0 + 30 * DAY + policy.retiredPublishedMs).get('k1')?.state,
    ).toBe('expired');
  });

  it('marks a revoked key revoked whatever its times, and skips it when retiring others', () => {
    const keys = [
      key(1, T0),
      key(2, T0 + DAY, T0 + 2 * DAY),
      key(3, T0 + 3 * DAY),
    ];
    const statuses = keyStatuses(keys, T0 + 3 * DAY, policy);
    expect(statuses.get('k2')?.state).toBe('revoked');
    expect(statuses.get('k1')).toMatchObject({
      state: 'retired',
      retiredAt: T0 + 3 * DAY,
    });
    expect(statuses.get('k3')?.state).toBe('active');
  });
});

describe('planRotation', () => {
  it('creates the first key signing at once', () => {
    expect(planRotation([], T0, policy)).toEqual({
      kind: 'create',
      activatesAt: T0,
    });
  });

  it('does nothing until a lead before the period ends, then creates the successor for its end', () => {
    const keys = [key(1, T0)];
    const due = T0 + 30 * DAY;
    expect(planRotation(keys, due - policy.leadMs - 1, policy)).toEqual({
      kind: 'none',
    });
    expect(planRotation(keys, due - policy.leadMs, policy)).toEqual({
      kind: 'create',
      activatesAt: due,
    });
  });

  it('gives a late successor (instances were down) its full lead', () => {
    const now = T0 + 40 * DAY;
    expect(planRotation([key(1, T0)], now, policy)).toEqual({
      kind: 'create',
      activatesAt: now + policy.leadMs,
    });
  });

  it('does nothing while a successor waits', () => {
    const keys = [key(1, T0), key(2, T0 + 30 * DAY)];
    expect(planRotation(keys, T0 + 30 * DAY - 1, policy)).toEqual({
      kind: 'none',
    });
  });

  it('publishes a successor of the new algorithm a lead ahead when JWT_ALGORITHM changed', () => {
    const keys = [{ ...key(1, T0), algorithm: 'ES256' }];
    const now = T0 + DAY;
    expect(planRotation(keys, now, policy, 'ES256')).toEqual({ kind: 'none' });
    expect(planRotation(keys, now, policy, 'EdDSA')).toEqual({
      kind: 'create',
      activatesAt: now + policy.leadMs,
    });
  });

  it('promotes the waiting key when the signing one was revoked, else creates one signing at once', () => {
    const now = T0 + DAY;
    expect(
      planRotation([key(1, T0, now), key(2, now + 1000)], now, policy),
    ).toEqual({ kind: 'promote', kid: 'k2' });
    expect(planRotation([key(1, T0, now)], now, policy)).toEqual({
      kind: 'create',
      activatesAt: now,
    });
  });
});

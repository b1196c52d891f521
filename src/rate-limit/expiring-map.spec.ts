import { ExpiringMap } from './expiring-map';

describe(ExpiringMap.name, () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('answers like Redis: INCR from 0, PTTL -1 without expiry and -2 once gone', () => {
    const map = new ExpiringMap(10);
    expect(map.incr('a')).toBe(1);
    expect(map.incr('a')).toBe(2);
    expect(map.ttl('a')).toBe(-1);
    map.expire('a', 1000);
    expect(map.ttl('a')).toBe(1000);
    jest.setSystemTime(Date.now() + 400);
    expect(map.ttl('a')).toBe(600);
    expect(map.incr('a', -1)).toBe(1);
    expect(map.ttl('a')).toBe(600);
    jest.setSystemTime(Date.now() + 600);
    expect(map.get('a')).toBeUndefined();
    expect(map.exists('a')).toBe(false);
    expect(map.ttl('a')).toBe(-2);
    expect(map.incr('a')).toBe(1);
  });

  it('replaces value and expiry on set, and forgets on delete', () => {
    const map = new ExpiringMap(10);
    map.incr('a', 5);
    map.set('a', 1, 2000);
    expect(map.get('a')).toBe(1);
    expect(map.ttl('a')).toBe(2000);
    map.delete('a');
    expect(map.exists('a')).toBe(false);
  });

  it('drops the oldest entry first when full', () => {
    const map = new ExpiringMap(3);
    map.set('a', 1, 60_000);
    map.set('b', 2, 60_000);
    map.set('c', 3, 60_000);
    map.set('d', 4, 60_000);
    expect(map.size).toBe(3);
    expect(map.exists('a')).toBe(false);
    expect([map.get('b'), map.get('c'), map.get('d')]).toEqual([2, 3, 4]);
  });

  it('sweeps expired entries at most once a minute, so they do not hold memory', () => {
    const map = new ExpiringMap(100);
    for (let i = 0; i < 50; i += 1) {
      map.set(`old${i}`, 1, 1000);
    }
    jest.setSystemTime(Date.now() + 61_000);
    map.set('new', 1, 1000);
    expect(map.size).toBe(1);
  });
});

import {
  passwordProblem,
  setBcryptConcurrency,
  withBcryptSlot,
} from './password';

describe(passwordProblem.name, () => {
  it('accepts 8 characters up to 72 bytes', () => {
    expect(passwordProblem('12345678')).toBeNull();
    expect(passwordProblem('a'.repeat(72))).toBeNull();
    expect(passwordProblem('é'.repeat(36))).toBeNull();
  });

  it('counts characters, not bytes, for the minimum', () => {
    expect(passwordProblem('ééééééé')).toMatch(/at least 8 characters/);
  });

  it('refuses more than 72 bytes, which bcrypt would silently truncate', () => {
    expect(passwordProblem('a'.repeat(73))).toMatch(/at most 72 bytes/);
    expect(passwordProblem('é'.repeat(37))).toMatch(/at most 72 bytes/);
  });

  it('refuses a NUL, where the native binding would stop reading', () => {
    expect(passwordProblem('abcd\0efgh')).toMatch(/NUL/);
  });
});

describe(withBcryptSlot.name, () => {
  afterEach(() => setBcryptConcurrency(1));

  it('runs at most the configured number of jobs at once, the others in arrival order', async () => {
    setBcryptConcurrency(2);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const releases: (() => void)[] = [];
    const jobs = Array.from({ length: 5 }, (_, i) =>
      withBcryptSlot(async () => {
        started.push(i);
        running += 1;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running -= 1;
        return i;
      }),
    );
    for (let round = 0; round < 5; round += 1) {
      await new Promise((resolve) => setImmediate(resolve));
      releases.shift()?.();
    }
    expect(await Promise.all(jobs)).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4]);
  });

  it('frees the slot when a job fails', async () => {
    setBcryptConcurrency(1);
    await expect(
      withBcryptSlot(() => Promise.reject(new Error('boom'))),
    ).rejects.toThrow('boom');
    await expect(withBcryptSlot(() => Promise.resolve('next'))).resolves.toBe(
      'next',
    );
  });
});

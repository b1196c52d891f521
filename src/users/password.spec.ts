import {
  passwordProblem,
  setBcryptConcurrency,
  setEventLoopBusyProbe,
  startWaitingJobs,
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

/** A job that runs until `release` is called. */
function heldJob(log: { running: number; peak: number; started: number[] }) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    release: () => release(),
    run: (i: number) =>
      withBcryptSlot(async () => {
        log.started.push(i);
        log.running += 1;
        log.peak = Math.max(log.peak, log.running);
        await released;
        log.running -= 1;
        return i;
      }),
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe(withBcryptSlot.name, () => {
  let loopBusy = true;
  beforeEach(() => {
    loopBusy = true;
    setEventLoopBusyProbe(() => loopBusy);
  });
  afterEach(() => setBcryptConcurrency(1, 1));

  it('runs at most the configured number of jobs at once, the others in arrival order', async () => {
    setBcryptConcurrency(2, 2);
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

  it('leaves a core to a busy event loop and uses every core while it idles', async () => {
    setBcryptConcurrency(1, 3);
    const log = { running: 0, peak: 0, started: [] as number[] };
    const jobs = Array.from({ length: 4 }, () => heldJob(log));
    const done = jobs.map((job, i) => job.run(i));
    await tick();
    expect(log.started).toEqual([0]);

    // The loop goes idle: the next sample starts waiting jobs up to the idle limit.
    loopBusy = false;
    startWaitingJobs();
    await tick();
    expect(log.started).toEqual([0, 1, 2]);

    // Busy again: nothing new starts until the running jobs are down to one.
    loopBusy = true;
    jobs[0].release();
    await tick();
    expect(log.started).toEqual([0, 1, 2]);
    jobs[1].release();
    jobs[2].release();
    await tick();
    await tick();
    expect(log.started).toEqual([0, 1, 2, 3]);
    jobs[3].release();
    expect(await Promise.all(done)).toEqual([0, 1, 2, 3]);
    expect(log.peak).toBe(3);
  });

  it('frees the slot when a job fails', async () => {
    setBcryptConcurrency(1, 1);
    await expect(
      withBcryptSlot(() => Promise.reject(new Error('boom'))),
    ).rejects.toThrow('boom');
    await expect(withBcryptSlot(() => Promise.resolve('next'))).resolves.toBe(
      'next',
    );
  });
});

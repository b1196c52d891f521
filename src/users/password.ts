import { availableParallelism } from 'node:os';
import { compare, hash } from 'bcrypt';
import { registerDecorator, type ValidationOptions } from 'class-validator';
import { unlessMissing } from '../common/http/required-field';

export const PASSWORD_MIN_LENGTH = 8;
/** bcrypt reads 72 bytes at most: a longer password would be silently truncated, so it is refused. */
export const PASSWORD_MAX_BYTES = 72;

/** Why `password` breaks the rules, or null when it is acceptable. */
export function passwordProblem(password: string): string | null {
  if ([...password].length < PASSWORD_MIN_LENGTH) {
    return `must be at least ${PASSWORD_MIN_LENGTH} characters`;
  }
  if (Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES) {
    return `must be at most ${PASSWORD_MAX_BYTES} bytes (bcrypt ignores anything beyond)`;
  }
  if (password.includes('\0')) {
    // the native bcrypt binding reads a C string and would stop at the NUL
    return 'must not contain a NUL character';
  }
  return null;
}

/** class-validator decorator applying `passwordProblem`, naming the field in its message. */
export function IsPassword(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isPassword',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && passwordProblem(value) === null,
        defaultMessage: (args) =>
          args
            ? unlessMissing(
                (typeof args.value === 'string' &&
                  passwordProblem(args.value)) ||
                  'is not acceptable',
              )(args)
            : `${propertyName} is not acceptable`,
      },
    });
}

/**
 * How many bcrypt jobs run at once; the rest wait their turn. libuv's pool would run four at a
 * time whatever the cores, and a login storm would then starve the event loop, so every other
 * route's latency with it. While the event loop is busy serving requests, one core is left to
 * it (`whenBusy`, BCRYPT_CONCURRENCY, default cores − 1); while it is mostly idle, bcrypt may
 * use every core (`whenIdle`), so a server doing nothing but logins signs people in at the
 * machine's full rate.
 */
let slotsWhenBusy = Math.max(1, availableParallelism() - 1);
let slotsWhenIdle = Math.max(slotsWhenBusy, availableParallelism());
let bcryptRunning = 0;
const bcryptWaiting: (() => void)[] = [];

/** Share of the last sample the event loop spent working above which it counts as busy. */
const BUSY_UTILIZATION = 0.2;
const LOOP_SAMPLE_MS = 100;
let loopBusy: () => boolean = sampleEventLoop;
let loopSampler: NodeJS.Timeout | undefined;
let busyInLastSample = false;
let lastUtilization = performance.eventLoopUtilization();

function sampleEventLoop(): boolean {
  loopSampler ??= setInterval(() => {
    const now = performance.eventLoopUtilization();
    busyInLastSample =
      performance.eventLoopUtilization(now, lastUtilization).utilization >
      BUSY_UTILIZATION;
    lastUtilization = now;
    startWaitingJobs();
  }, LOOP_SAMPLE_MS).unref();
  return busyInLastSample;
}

export function setBcryptConcurrency(
  whenBusy: number,
  whenIdle = Math.max(whenBusy, availableParallelism()),
): void {
  slotsWhenBusy = Math.max(1, whenBusy);
  slotsWhenIdle = Math.max(slotsWhenBusy, whenIdle);
}

/** For tests: what decides whether the event loop is busy (default: its measured utilisation). */
export function setEventLoopBusyProbe(probe: () => boolean): void {
  loopBusy = probe;
}

function freeSlot(): boolean {
  return bcryptRunning < (loopBusy() ? slotsWhenBusy : slotsWhenIdle);
}

/** Starts waiting jobs while slots are free; also when the loop turns idle and slots grow. */
export function startWaitingJobs(): void {
  while (bcryptWaiting.length > 0 && freeSlot()) {
    bcryptRunning += 1;
    bcryptWaiting.shift()!();
  }
}

export async function withBcryptSlot<T>(work: () => Promise<T>): Promise<T> {
  // Nobody overtakes a waiting job: the slot a job takes is counted by whoever starts it.
  if (bcryptWaiting.length === 0 && freeSlot()) {
    bcryptRunning += 1;
  } else {
    await new Promise<void>((resolve) => bcryptWaiting.push(resolve));
  }
  try {
    return await work();
  } finally {
    bcryptRunning -= 1;
    startWaitingJobs();
  }
}

export function hashPassword(password: string, cost: number): Promise<string> {
  return withBcryptSlot(() => hash(password, cost));
}

export function comparePassword(
  password: string,
  passwordHash: string,
): Promise<boolean> {
  return withBcryptSlot(() => compare(password, passwordHash));
}

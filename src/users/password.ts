import { availableParallelism } from 'node:os';
import { compare, hash } from 'bcrypt';
import { registerDecorator, type ValidationOptions } from 'class-validator';

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
        defaultMessage: (args) => {
          const value: unknown = args?.value;
          const problem =
            typeof value === 'string'
              ? passwordProblem(value)
              : 'must be a string';
          return `${args?.property ?? propertyName} ${problem}`;
        },
      },
    });
}

/**
 * At most this many bcrypt jobs run at once; the rest wait their turn. libuv's pool would run
 * four at a time whatever the cores, and a login storm would then starve the event loop, so
 * every other route's latency with it. The default leaves one core to the event loop.
 */
let bcryptSlots = Math.max(1, availableParallelism() - 1);
let bcryptRunning = 0;
const bcryptWaiting: (() => void)[] = [];

export function setBcryptConcurrency(slots: number): void {
  bcryptSlots = Math.max(1, slots);
}

export async function withBcryptSlot<T>(work: () => Promise<T>): Promise<T> {
  if (bcryptRunning < bcryptSlots) {
    bcryptRunning += 1;
  } else {
    // A released slot is handed over directly, so no newcomer can overtake a waiter.
    await new Promise<void>((resolve) => bcryptWaiting.push(resolve));
  }
  try {
    return await work();
  } finally {
    const next = bcryptWaiting.shift();
    if (next) {
      next();
    } else {
      bcryptRunning -= 1;
    }
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

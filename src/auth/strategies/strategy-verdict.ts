import type { AuthenticatedUser } from '../authenticated-user';

/**
 * A credential refused with a reason the client can act on (e.g. a DPoP proof for another URL):
 * AuthenticationGuard answers 401 with this message instead of the scheme's usual one.
 */
export class Refusal {
  constructor(readonly message: string) {}
}

/** A strategy's answer for one credential: the user, or null (or a Refusal) to refuse it (401). */
export type Verdict = AuthenticatedUser | Refusal | null;

/** The actions passport (or AuthenticationGuard) attaches to a strategy for one request. */
export interface StrategyActions {
  success(user: unknown, info?: unknown): void;
  fail(status?: number): void;
  error(error: Error): void;
}

/** A PassportStrategy subclass: its `validate` answers from memory when it can. */
export interface Validating<A extends unknown[]> extends StrategyActions {
  validate(...args: A): Verdict | Promise<Verdict>;
}

/**
 * Runs the strategy's `validate` and reports its verdict through passport's actions, at once
 * when `validate` answered synchronously. @nestjs/passport's own verify callback awaits every
 * result: a promise and a microtask turn on each request even when everything was in memory,
 * and it kept AuthenticationGuard from answering synchronously.
 */
export function validateAndReport<A extends unknown[]>(
  strategy: Validating<A>,
  ...args: A
): void {
  let verdict: Verdict | Promise<Verdict>;
  try {
    verdict = strategy.validate(...args);
  } catch (error) {
    return strategy.error(asError(error));
  }
  if (verdict instanceof Promise) {
    verdict.then(
      (user) => report(strategy, user),
      (error: unknown) => strategy.error(asError(error)),
    );
  } else {
    report(strategy, verdict);
  }
}

function report(strategy: StrategyActions, user: Verdict): void {
  if (user) {
    strategy.success(user);
  } else {
    strategy.fail(401);
  }
}

export function asError(error: unknown): Error {
  return error instanceof Error
    ? error
    : new Error(
        `authentication failed: ${typeof error === 'string' ? error : 'non-Error value'}`,
      );
}

import type { Logger } from '@nestjs/common';

/**
 * Runs `prune` every `intervalMs` in the background (the timer does not keep the process
 * alive); a failure is logged as `pruning <what> failed` and tried again next time. The caller
 * clears the returned timer when its module is destroyed.
 */
export function prunePeriodically(
  logger: Logger,
  what: string,
  prune: () => Promise<unknown>,
  intervalMs: number,
): NodeJS.Timeout {
  const timer = setInterval(() => {
    prune().catch((error: unknown) =>
      logger.warn({
        msg: `pruning ${what} failed`,
        error: error instanceof Error ? error.message : 'unknown',
      }),
    );
  }, intervalMs);
  timer.unref();
  return timer;
}

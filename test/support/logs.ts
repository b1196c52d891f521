import { Logger } from '@nestjs/common';

type Level = 'log' | 'warn' | 'error';

export interface CapturedLogs {
  /** What was logged at `level` since capture began, first argument of each call. */
  at(level: Level): unknown[];
  /** The request-log lines of one request, waiting up to 2 s for at least one to appear. */
  requestLines(requestId: string): Promise<Record<string, unknown>[]>;
  restore(): void;
}

/**
 * Captures what the app logs through Nest's Logger (the request log, the filter's errors) and
 * keeps it off the console. The request line is written when the response has gone, so a test
 * may hold its answer before the line: requestLines waits.
 */
export function captureLogs(): CapturedLogs {
  const logged: Record<Level, unknown[]> = { log: [], warn: [], error: [] };
  const spies = (['log', 'warn', 'error'] as const).map((level) =>
    jest
      .spyOn(Logger.prototype, level)
      .mockImplementation((...args: unknown[]) => {
        logged[level].push(args[0]);
      }),
  );
  // The test apps run at warn; captured, every level counts as on (the request line asks first).
  const levels = jest.spyOn(Logger, 'isLevelEnabled').mockReturnValue(true);
  const linesOf = (requestId: string) =>
    logged.log.filter(
      (entry): entry is Record<string, unknown> =>
        typeof entry === 'object' &&
        entry !== null &&
        (entry as { msg?: unknown }).msg === 'request' &&
        (entry as { request_id?: unknown }).request_id === requestId,
    );
  return {
    at: (level) => logged[level],
    async requestLines(requestId) {
      for (
        let waited = 0;
        linesOf(requestId).length === 0 && waited < 2000;
        waited += 10
      ) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      // Long enough for a second line, were one to come.
      await new Promise((resolve) => setTimeout(resolve, 20));
      return linesOf(requestId);
    },
    restore() {
      for (const spy of spies) {
        spy.mockRestore();
      }
      levels.mockRestore();
    },
  };
}

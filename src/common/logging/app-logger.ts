import { ConsoleLogger, type LogLevel as NestLogLevel } from '@nestjs/common';
import { LOG_LEVELS, type LogLevel } from '../../config/app-config';
import { LineBatch } from './line-batch';

/** The process's stdout lines, shared by every logger so that they keep their order. */
const stdoutLines = new LineBatch((chunk) => {
  process.stdout.write(chunk);
});
// process.exit() (a failed start, a test runner) leaves no next turn for the batch.
process.once('exit', () => stdoutLines.stopBatching());

/**
 * From now on, every log line is written as it comes. Called when the server starts closing:
 * Nest re-raises SIGTERM right after the last shutdown hook, and a process ended by a signal
 * runs neither a next turn nor its 'exit' listeners.
 */
export function stopBatchingLogLines(): void {
  stdoutLines.stopBatching();
}

type JsonLineOptions = Parameters<ConsoleLogger['printAsJson']>[1];

/** Past this many characters of strings, a record goes to Nest's serialiser, which truncates. */
const PLAIN_RECORD_MAX_CHARS = 100_000;

/**
 * Whether JSON.stringify alone writes `record` as Nest's serialiser would: its values are
 * strings, numbers, booleans and nulls, or (to `depth`) plain objects of them; nothing to
 * truncate, no cycle, no toJSON, no Error, Map or bigint.
 */
function isPlainRecord(
  record: object,
  depth: number,
  budget = { chars: 0 },
): boolean {
  if (Object.getPrototypeOf(record) !== Object.prototype) {
    return false;
  }
  for (const value of Object.values(record)) {
    switch (typeof value) {
      case 'string':
        budget.chars += value.length;
        if (budget.chars > PLAIN_RECORD_MAX_CHARS) {
          return false;
        }
        break;
      case 'number':
      case 'boolean':
        break;
      case 'object':
        if (
          value !== null &&
          !(depth > 0 && isPlainRecord(value as object, depth - 1, budget))
        ) {
          return false;
        }
        break;
      case 'undefined':
      case 'bigint':
      case 'symbol':
      case 'function':
        // Nest's serialiser decides how these read.
        return false;
    }
  }
  return true;
}

/**
 * Nest's JSON console logger (one object per line), with stdout lines batched (LineBatch).
 * Lines for stderr (error, fatal) are written at once, after what stdout holds, so that a
 * terminal showing both shows them in order.
 */
export class AppLogger extends ConsoleLogger {
  /**
   * Nest's serialiser calls a replacer for every key to guard against cycles, huge values and
   * throwing toJSON(); a line of plain values (every request line) needs none of it, and
   * JSON.stringify alone writes the same text.
   */
  protected override stringifyJsonLogObject(
    logObject: Record<string, unknown>,
  ): string {
    try {
      if (isPlainRecord(logObject, 1)) {
        return JSON.stringify(logObject);
      }
    } catch {
      // A getter that throws: Nest's serialiser has its own fallback.
    }
    return super.stringifyJsonLogObject(logObject);
  }

  protected override printAsJson(
    message: unknown,
    options: JsonLineOptions,
  ): void {
    const line = this.stringifyJsonLogObject(
      this.getJsonLogObject(message, options),
    );
    if (options.writeStreamType === 'stderr') {
      stdoutLines.flush();
      process.stderr.write(`${line}\n`);
    } else {
      stdoutLines.add(line);
    }
  }
}

/** One JSON object per line, at LOG_LEVEL and above. */
export function createAppLogger(level: LogLevel): AppLogger {
  const enabled: NestLogLevel[] = LOG_LEVELS.slice(
    0,
    LOG_LEVELS.indexOf(level) + 1,
  );
  return new AppLogger({ json: true, logLevels: enabled });
}

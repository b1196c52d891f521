import { ConsoleLogger, type LogLevel as NestLogLevel } from '@nestjs/common';
import { LOG_LEVELS, type LogLevel } from '../../config/app-config';

/** One JSON object per line, at LOG_LEVEL and above. */
export function createAppLogger(level: LogLevel): ConsoleLogger {
  const enabled: NestLogLevel[] = LOG_LEVELS.slice(
    0,
    LOG_LEVELS.indexOf(level) + 1,
  );
  return new ConsoleLogger({ json: true, logLevels: enabled });
}

import { QueryFailedError } from 'typeorm';

/**
 * The column a unique constraint refused, or null if `error` is something else. SQLite names
 * it in the message ("UNIQUE constraint failed: users.email"); PostgreSQL (23505) in the detail
 * ("Key (email)=(…) already exists").
 */
export function uniqueViolationColumn(error: unknown): string | null {
  if (!(error instanceof QueryFailedError)) {
    return null;
  }
  const driverError = error.driverError as {
    code?: string;
    detail?: string;
    message?: string;
  };
  if (driverError.code === '23505') {
    return /Key \(([^)]+)\)/.exec(driverError.detail ?? '')?.[1] ?? 'unknown';
  }
  const sqlite = /UNIQUE constraint failed: \w+\.(\w+)/.exec(
    driverError.message ?? error.message,
  );
  return sqlite ? sqlite[1] : null;
}

import type * as Pg from 'pg';

/**
 * Our PostgreSQL columns are `timestamp` (without time zone: the same entity definitions serve
 * SQLite). pg would write and read them in the Node process's local zone while `now()` defaults
 * use the session's: both are pinned to UTC so credential times compare correctly anywhere.
 */
export function usePostgresUtcTimestamps(): void {
  // Loaded here, not when this file is: a SQLite deployment never needs pg (about 5 MB of
  // memory). TypeORM's PostgreSQL driver loads the same module, settings included.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { defaults, types } = require('pg') as typeof Pg;
  defaults.parseInputDatesAsUTC = true;
  types.setTypeParser(
    types.builtins.TIMESTAMP,
    (value: string) => new Date(`${value.replace(' ', 'T')}Z`),
  );
}

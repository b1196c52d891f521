import { defaults, types } from 'pg';

/**
 * Our PostgreSQL columns are `timestamp` (without time zone: the same entity definitions serve
 * SQLite). pg would write and read them in the Node process's local zone while `now()` defaults
 * use the session's: both are pinned to UTC so credential times compare correctly anywhere.
 */
export function usePostgresUtcTimestamps(): void {
  defaults.parseInputDatesAsUTC = true;
  types.setTypeParser(
    types.builtins.TIMESTAMP,
    (value: string) => new Date(`${value.replace(' ', 'T')}Z`),
  );
}

import { Initial1795457773436 } from './migrations/postgres/1795457773436-Initial';
import { Initial1795457771556 } from './migrations/sqlite/1795457771556-Initial';

// Each driver has its own generated migrations (TypeORM writes driver-specific SQL); both
// lists must describe the same schema, which `npm run migration:check` verifies in CI.
// Generated, read, committed, and never edited after they land.
export const sqliteMigrations = [Initial1795457771556];
export const postgresMigrations = [Initial1795457773436];

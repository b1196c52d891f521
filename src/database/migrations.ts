import { Initial1795459283026 } from './migrations/postgres/1795459283026-Initial';
import { Initial1795459280829 } from './migrations/sqlite/1795459280829-Initial';

// Each driver has its own generated migrations (TypeORM writes driver-specific SQL); both
// lists must describe the same schema, which `npm run migration:check` verifies in CI.
// Generated, read, committed, and never edited after they land.
export const sqliteMigrations = [Initial1795459280829];
export const postgresMigrations = [Initial1795459283026];

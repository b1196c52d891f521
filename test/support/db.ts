import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** What an e2e test file needs to point the app at its own, empty database. */
export interface TestDatabase {
  /** Extra environment for the app under test; empty on SQLite. */
  env: Record<string, string>;
  /** Removes the database; safe to call when the app still holds connections. */
  drop(): Promise<void>;
}

/**
 * Gives the calling test file a database of its own, so files can run in parallel and never see
 * each other's rows. Call it once per file (in beforeAll) and `drop()` in afterAll.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL ?? '';
  if (!/^postgres(ql)?:\/\//.test(serverUrl)) {
    // SQLite: each test file has its own temporary DATA_DIR, where the app creates the file.
    return { env: {}, drop: () => Promise.resolve() };
  }

  // Lower-case hex: a valid identifier that needs no escaping, quoted or not.
  const name = `gh_test_${randomBytes(8).toString('hex')}`;
  await execute(serverUrl, `CREATE DATABASE "${name}"`);

  // Keeps user, password, host, port and query (e.g. sslmode); only the database changes.
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;

  return {
    env: { DATABASE_URL: url.toString() },
    // FORCE ends connections the app's pool may still have open (PostgreSQL 13+).
    drop: () =>
      execute(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

/** One short-lived connection per statement: CREATE/DROP DATABASE cannot run in a transaction. */
async function execute(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

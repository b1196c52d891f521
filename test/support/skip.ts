import { spawnSync } from 'node:child_process';

/**
 * A describe block that runs only when `skipReason` is null. Otherwise it is skipped with the
 * reason in its title and on stderr, so a skipped test always says why and what would run it.
 */
export function describeUnless(
  skipReason: string | null,
  title: string,
  body: () => void,
): void {
  if (skipReason === null) {
    describe(title, body);
    return;
  }
  // Straight to stderr: jest drops the console output of a file whose every test is skipped.
  process.stderr.write(`skipped "${title}": ${skipReason}\n`);
  describe.skip(`${title} (skipped: ${skipReason})`, body);
}

const START_REDIS =
  'install and start Redis (apt-get install redis-server), then set REDIS_URL=redis://127.0.0.1:6379; .ci/run does';

/** Why a test that needs a shared Redis cannot run here, or null when REDIS_URL is set. */
export function redisSkipReason(): string | null {
  return process.env.REDIS_URL ? null : `REDIS_URL is unset: ${START_REDIS}`;
}

/**
 * Why a test that runs its own redis-server beside PostgreSQL cannot run here, or null when it
 * can.
 */
export function postgresAndRedisServerSkipReason(): string | null {
  const missing: string[] = [];
  if (!/^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? '')) {
    missing.push(
      'DATABASE_URL is not a postgres:// URL (it needs a PostgreSQL server it may create databases in)',
    );
  }
  if (
    spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status !== 0
  ) {
    missing.push(
      'no redis-server on PATH (apt-get install redis-server; it starts its own)',
    );
  }
  return missing.length > 0
    ? `${missing.join('; ')}; .ci/run provides both`
    : null;
}

import { cpus } from 'node:os';

/** Everything the benchmark can be told, from BENCH_* environment variables. */
export interface BenchOptions {
  /** Seconds per measured sample. */
  duration: number;
  /** Seconds of unmeasured load per case before its first sample (JIT, caches). */
  warmup: number;
  /** How many times each interleaved sequence of samples repeats. */
  rounds: number;
  /** Concurrent keep-alive connections of the load generator. */
  connections: number;
  /** Users seeded over HTTP; each connection uses its own user's credentials. */
  users: number;
  /** Rows put into revoked_tokens for the `jwt, N revoked` case. */
  blacklist: number;
  bcryptCost: number;
  /** Concurrent bcrypt.compare calls when measuring what the machine can hash. */
  bcryptConcurrency: number;
  /** Connections of the login storm. */
  stormConnections: number;
  /** Connections of the jwt probe whose p99 the storm case compares (closed loop). */
  stormProbeConnections: number;
  /** The servers' LOG_LEVEL: `log` (the server's default) writes the per-request line, `warn` does not. */
  logLevel: string;
  /** RATE_LIMIT_DEFAULT and RATE_LIMIT_DATA: on, but too high to refuse. */
  rateLimit: string;
  /** Compile the server with tsc first (true) or run it through @swc-node/register. */
  build: boolean;
  /** Also serve the data through @swc-node/register and compare it with the compiled server. */
  swcCheck: boolean;
  /** Record a CPU profile of one extra sample per case and summarise it. */
  profile: boolean;
  /** Seconds of the soak: every GET /api/data case, the baseline and refresh at once. */
  soak: number;
  /** Which phases run: auth, reference, login, verify, storm, soak. */
  phases: ReadonlySet<Phase>;
  /** Seconds a server may take to start before the case is reported as failed. */
  bootTimeout: number;
  /** Base name of the result files in bench/results/ (`latest` → latest.md, latest.json). */
  output: string;
  /** Keep the temporary data folders (for a look at the databases afterwards). */
  keepData: boolean;
}

export const PHASES = [
  'auth',
  'reference',
  'login',
  'verify',
  'storm',
  'soak',
] as const;
export type Phase = (typeof PHASES)[number];

export function readOptions(
  env: NodeJS.ProcessEnv = process.env,
): BenchOptions {
  const connections = integer(env, 'BENCH_CONNECTIONS', 10, 1);
  return {
    duration: number(env, 'BENCH_DURATION', 5, 1),
    warmup: number(env, 'BENCH_WARMUP', 3, 0),
    rounds: integer(env, 'BENCH_ROUNDS', 5, 1),
    connections,
    users: integer(env, 'BENCH_USERS', connections, 1),
    blacklist: integer(env, 'BENCH_BLACKLIST', 1_000_000, 0),
    bcryptCost: integer(env, 'BENCH_BCRYPT_COST', 12, 4),
    bcryptConcurrency: integer(
      env,
      'BENCH_BCRYPT_CONCURRENCY',
      cpus().length,
      1,
    ),
    stormConnections: integer(env, 'BENCH_STORM_CONNECTIONS', 16, 1),
    stormProbeConnections: integer(env, 'BENCH_STORM_PROBE_CONNECTIONS', 2, 1),
    logLevel: env.BENCH_LOG_LEVEL || 'log',
    rateLimit: env.BENCH_RATE_LIMIT || '100000000/minute',
    build: env.BENCH_BUILD !== '0',
    profile: env.BENCH_PROFILE === '1',
    swcCheck: env.BENCH_SWC_CHECK === '1',
    soak: number(env, 'BENCH_SOAK', 15, 1),
    phases: phases(env.BENCH_PHASES),
    bootTimeout: number(env, 'BENCH_BOOT_TIMEOUT', 60, 1),
    output: output(env.BENCH_OUTPUT),
    keepData: env.BENCH_KEEP_DATA === '1',
  };
}

function number(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isFinite(value) || value < min) {
    throw new Error(`${name} must be a number ≥ ${min} (got "${raw}")`);
  }
  return value;
}

function integer(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
): number {
  const value = number(env, name, fallback, min);
  if (!Number.isInteger(value)) {
    throw new Error(`${name} must be a whole number (got "${env[name]}")`);
  }
  return value;
}

function phases(raw: string | undefined): ReadonlySet<Phase> {
  if (!raw) {
    return new Set(PHASES);
  }
  const chosen = raw.split(',').map((phase) => phase.trim());
  for (const phase of chosen) {
    if (!(PHASES as readonly string[]).includes(phase)) {
      throw new Error(
        `BENCH_PHASES takes ${PHASES.join(', ')} (got "${phase}")`,
      );
    }
  }
  return new Set(chosen as Phase[]);
}

function output(raw: string | undefined): string {
  const name = raw || 'latest';
  if (!/^[\w.-]+$/.test(name)) {
    throw new Error(`BENCH_OUTPUT must be a plain file name (got "${name}")`);
  }
  return name;
}

/** Whether a server at `logLevel` writes the per-request line (it is logged at level `log`). */
export function requestLineOn(logLevel: string): boolean {
  return ['log', 'debug', 'verbose'].includes(logLevel);
}

// `npm run bench`: builds the server, starts it as separate processes on fresh SQLite data,
// seeds it, drives it over loopback with autocannon and writes bench/results/latest.{md,json}.
// Every ratio compares samples taken in the same run, interleaved, on this machine.
import type { Client } from 'autocannon';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { bcryptCapacity } from './lib/bcrypt-capacity';
import {
  type Load,
  measure,
  type Sample,
  startLoad,
  toSample,
} from './lib/load';
import { type BenchOptions, readOptions, requestLineOn } from './lib/options';
import { profileMarkdown, summariseProfile } from './lib/profile-summary';
import { markdown, type Results, type Row } from './lib/report';
import {
  type BenchUser,
  firstBasicRequests,
  loginForRefreshTokens,
  seedBlacklist,
  seedUsers,
} from './lib/seed';
import {
  BootTimeoutError,
  quiesce,
  sampleRss,
  type ServerEntry,
  type ServerHandle,
  startScriptNodeFlags,
  startServer,
} from './lib/server-process';
import { median, pairedRatios, sumCounts, type TimedSample } from './lib/stats';
import {
  assertSameAnswers,
  gatehouseChallenges,
  noCredentialLoad,
  referenceEnv,
  referenceToken,
} from './lib/reference';
import { verificationCost } from './lib/verify-cost';

const ROOT = resolve(__dirname, '..');
const RESULTS = join(ROOT, 'bench', 'results');
const PROFILE_INTERVAL_MICROS = 250;
const SETTLE_MS = 2000;

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function fastifyVersion(): string {
  return (
    JSON.parse(
      readFileSync(
        join(ROOT, 'node_modules', 'fastify', 'package.json'),
        'utf8',
      ),
    ) as { version: string }
  ).version;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Compiles src/ and the bench entry with tsc (the project's compiler and options) into dist/bench-server. */
function buildServer(): ServerEntry {
  const started = performance.now();
  // Type errors are `npm run typecheck`'s business; the emitted JavaScript is the same.
  execFileSync(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
      '-p',
      join(ROOT, 'bench', 'tsconfig.server.json'),
      '--noCheck',
    ],
    { cwd: ROOT, stdio: 'inherit' },
  );
  log(
    `built the server in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return {
    args: [join(ROOT, 'dist', 'bench-server', 'bench', 'bench-server.js')],
    cwd: ROOT,
    description: `compiled with tsc (dist/bench-server), node ${['--expose-gc', ...startScriptNodeFlags()].join(' ')} (npm start's flags)`,
  };
}

/** The bare Fastify reference, built alongside the server (or through swc, like it). */
function referenceEntry(build: boolean): ServerEntry {
  return build
    ? {
        args: [
          join(ROOT, 'dist', 'bench-server', 'bench', 'reference-server.js'),
        ],
        cwd: ROOT,
        description: 'compiled with tsc',
      }
    : {
        args: [
          '-r',
          '@swc-node/register',
          join(ROOT, 'bench', 'reference-server.ts'),
        ],
        cwd: ROOT,
        description: 'through @swc-node/register',
      };
}

function swcEntry(): ServerEntry {
  return {
    args: ['-r', '@swc-node/register', join(ROOT, 'bench', 'bench-server.ts')],
    cwd: ROOT,
    description: 'TypeScript through @swc-node/register (compiled at load)',
  };
}

function serverEnv(
  options: BenchOptions,
  dataDir: string,
  jwtSecret: string,
): Record<string, string> {
  const inherited: Record<string, string> = {};
  for (const name of [
    'PATH',
    'HOME',
    'TMPDIR',
    'UV_THREADPOOL_SIZE',
    'BCRYPT_CONCURRENCY',
  ]) {
    const value = process.env[name];
    if (value !== undefined) {
      inherited[name] = value;
    }
  }
  return {
    ...inherited,
    NODE_ENV: 'production',
    JWT_SECRET: jwtSecret,
    KEYS_SECRET: jwtSecret,
    DATA_DIR: dataDir,
    PORT: '0',
    BCRYPT_COST: String(options.bcryptCost),
    RATE_LIMIT_DEFAULT: options.rateLimit,
    RATE_LIMIT_DATA: options.rateLimit,
    RATE_LIMIT_OAUTH_TOKEN: options.rateLimit,
    LOG_LEVEL: options.logLevel,
    ACCESS_TOKEN_TTL: '2h',
    // No SMTP server in a benchmark: production refuses to start with mail features on.
    EMAIL_VERIFICATION: 'off',
    PASSWORD_RESET: 'off',
  };
}

/** The server's RSS after a quiet moment. */
async function settledRss(server: ServerHandle): Promise<number> {
  await sleep(SETTLE_MS);
  return server.rssMb();
}

/** RSS once the server has collected its garbage: how much of the idle figure is live. */
async function afterCollection(server: ServerHandle): Promise<string> {
  await server.gc();
  await sleep(1000);
  const rss = server.rssMb();
  const memory = await server.memory();
  return `after a forced collection: ${rss.toFixed(0)} MB, heap used ${memory.heapUsed} MB`;
}

function memoryText(usage: Record<string, number>): string {
  return `V8 heap used ${usage.heapUsed} of ${usage.heapTotal} MB, external ${usage.external} MB`;
}

function gitState(): { commit: string; dirty: boolean } {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
    const status = execFileSync('git', ['status', '--porcelain'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    return { commit, dirty: status.trim().length > 0 };
  } catch {
    return { commit: 'unknown', dirty: false };
  }
}

// ---- the loads ----------------------------------------------------------------------------

/** GET with one header per connection, each connection a different user. */
function perUserGet(
  server: ServerHandle,
  path: string,
  users: readonly BenchUser[],
  headerOf: (user: BenchUser) => Record<string, string>,
  connections: number,
): Load {
  return {
    server,
    path,
    options: () => {
      let next = 0;
      return {
        connections,
        setupClient: (client: Client) => {
          client.setHeaders(headerOf(users[next++ % users.length]));
        },
      };
    },
  };
}

function loginLoad(
  server: ServerHandle,
  users: readonly BenchUser[],
  connections: number,
): Load {
  return {
    server,
    path: '/api/login',
    options: () => {
      let next = 0;
      return {
        connections,
        method: 'POST',
        timeout: 60,
        setupClient: (client: Client) => {
          const user = users[next++ % users.length];
          client.setHeadersAndBody(
            { 'content-type': 'application/json' },
            JSON.stringify({
              username: user.username,
              password: user.password,
            }),
          );
        },
      };
    },
  };
}

/**
 * POST /oauth/token with grant_type=client_credentials, each connection a client of its own
 * (HTTP Basic, as the tutorial's client sends it): a signed JWT access token per request.
 */
function clientCredentialsLoad(
  server: ServerHandle,
  clients: readonly { id: string; secret: string }[],
  connections: number,
): Load {
  return formPostLoad(server, '/oauth/token', connections, (i) => {
    const { id, secret } = clients[i % clients.length];
    return {
      authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
    };
  });
}

/** A form POST of `grant_type=client_credentials` to `path`, headers per connection. */
function formPostLoad(
  server: ServerHandle,
  path: string,
  connections: number,
  headersOf: (connection: number) => Record<string, string> = () => ({}),
): Load {
  return {
    server,
    path,
    options: () => {
      let next = 0;
      return {
        connections,
        method: 'POST',
        setupClient: (client: Client) => {
          client.setHeadersAndBody(
            {
              'content-type': 'application/x-www-form-urlencoded',
              ...headersOf(next++),
            },
            'grant_type=client_credentials',
          );
        },
      };
    },
  };
}

/**
 * Each request spends a refresh token and its answer brings the next: the pool passes tokens
 * from responses to the following requests, so no token is ever sent twice. Tokens in flight
 * when a sample ends are lost; `prepare` tops the pool up with fresh logins.
 */
function refreshLoad(
  server: ServerHandle,
  pool: string[],
  users: readonly BenchUser[],
  connections: number,
): Load {
  return {
    server,
    path: '/api/refresh',
    async prepare() {
      if (pool.length < connections) {
        pool.push(
          ...(await loginForRefreshTokens(server.url, users, connections * 2)),
        );
      }
    },
    options: () => ({
      connections,
      requests: [
        {
          method: 'POST',
          path: '/api/refresh',
          headers: { 'content-type': 'application/json' },
          setupRequest: (request) => ({
            ...request,
            body: JSON.stringify({
              refresh_token: pool.shift() ?? 'the-pool-ran-dry',
            }),
          }),
          onResponse: (status, body) => {
            if (status === 200) {
              pool.push(
                (JSON.parse(body) as { refresh_token: string }).refresh_token,
              );
            }
          },
        },
      ],
    }),
  };
}

// ---- measuring ------------------------------------------------------------------------------

interface BlacklistAttempt {
  size: number;
  insertMs: number;
  bootMs?: number;
  failure?: BootTimeoutError;
}

interface NamedLoad {
  name: string;
  load: Load;
}

function describe(sample: Sample): string {
  const failures = Object.keys(sample.failures).length
    ? ` failures ${JSON.stringify(sample.failures)}`
    : '';
  return (
    `${sample.rps.toFixed(0)} rps, p50 ${sample.p50.toFixed(1)} ms, p99 ${sample.p99.toFixed(1)} ms, ` +
    `peak RSS ${sample.peakRssMb.toFixed(0)} MB${failures}`
  );
}

/** The samples of an interleaved phase, by case and in the order they were taken. */
interface Interleaved {
  byName: Map<string, Sample[]>;
  timeline: TimedSample<Sample>[];
}

/**
 * Warm-up for each load, then `rounds` × the plan, in order: the interleaving that makes ratios
 * fair. A load may appear more than once in the plan (the baseline next to every case).
 */
async function interleave(
  phase: string,
  plan: readonly NamedLoad[],
  options: BenchOptions,
): Promise<Interleaved> {
  const byName = new Map<string, Sample[]>(plan.map(({ name }) => [name, []]));
  const timeline: TimedSample<Sample>[] = [];
  if (options.warmup > 0) {
    const warmed = new Set<string>();
    for (const { name, load } of plan) {
      if (warmed.has(name)) {
        continue;
      }
      warmed.add(name);
      const sample = await measure(load, options.warmup);
      log(`[${phase} warm-up] ${name}: ${describe(sample)}`);
    }
  }
  for (let round = 1; round <= options.rounds; round++) {
    for (const { name, load } of plan) {
      const sample = await measure(load, options.duration);
      byName.get(name)?.push(sample);
      timeline.push({ name, round, sample });
      log(`[${phase} ${round}/${options.rounds}] ${name}: ${describe(sample)}`);
    }
  }
  return { byName, timeline };
}

/** The median of the paired ratios, by rps and by CPU, and the ratio of the medians beside them. */
function pairedRatio(
  timeline: readonly TimedSample<Sample>[],
  name: string,
  reference: string,
  to: string,
): NonNullable<Row['ratio']> {
  const medianRps = (of: string) =>
    median(
      timeline
        .filter((entry) => entry.name === of)
        .map(({ sample }) => sample.rps),
    );
  return {
    value: median(
      pairedRatios(timeline, name, reference, (sample) => sample.rps),
    ),
    to,
    cpu: median(
      pairedRatios(
        timeline,
        name,
        reference,
        (sample) => 1 / sample.serverCpuUs,
      ),
    ),
    ofMedians: medianRps(name) / medianRps(reference),
  };
}

function summarise(samples: readonly Sample[]) {
  return {
    rps: median(samples.map((sample) => sample.rps)),
    p50: median(samples.map((sample) => sample.p50)),
    p99: median(samples.map((sample) => sample.p99)),
    peakRssMb: Math.max(...samples.map((sample) => sample.peakRssMb)),
    serverCpuUs: median(samples.map((sample) => sample.serverCpuUs)),
    clientCpuUs: median(samples.map((sample) => sample.clientCpuUs)),
    failures: sumCounts(samples.map((sample) => sample.failures)),
    samples: [...samples],
  };
}

// ---- main -------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const options = readOptions();
  const startedAt = new Date();
  const git = gitState();
  log(
    `gatehouse bench: ${options.rounds} rounds × ${options.duration} s, ${options.connections} connections, ` +
      `blacklist ${options.blacklist.toLocaleString('en')}, phases ${[...options.phases].join(',')}`,
  );
  const entry = options.build ? buildServer() : swcEntry();
  const work = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
  const jwtSecret = randomBytes(48).toString('base64');
  const dirA = join(work, 'a');
  mkdirSync(dirA);
  const rows: Row[] = [];
  const notes: string[] = [];
  const bootMs: Record<string, number> = {};
  const servers: ServerHandle[] = [];
  const start = async (
    name: string,
    dataDir: string,
    serverEntry: ServerEntry = entry,
  ) => {
    const server = await startServer(
      name,
      serverEntry,
      serverEnv(options, dataDir, jwtSecret),
      join(work, `server-${name}.log`),
      options.bootTimeout,
    );
    servers.push(server);
    return server;
  };

  try {
    // 1. A fresh server: migrations run, then seed it over HTTP.
    let a = await start('A', dirA);
    const bootRss = await settledRss(a);
    log(`server A up (${a.bootMs} ms, ${bootRss.toFixed(0)} MB); seeding…`);
    const seedStarted = performance.now();
    const users = await seedUsers(a.url, options.users);
    const refreshPool = await loginForRefreshTokens(
      a.url,
      users,
      options.connections * 2,
    );
    const seededRss = await settledRss(a);
    log(
      `seeded ${users.length} users, ${refreshPool.length} refresh tokens in ` +
        `${((performance.now() - seedStarted) / 1000).toFixed(1)} s; RSS ${seededRss.toFixed(0)} MB`,
    );
    await a.stop();
    servers.splice(servers.indexOf(a), 1);

    // 2. B: a copy of A's seeded data (same secret, users and tokens) plus the blacklist,
    // written straight into the file. Should B not start in time, a tenth of the size is tried,
    // so that the per-request cost of a large blacklist is still measured.
    const seeded = join(work, 'seeded');
    cpSync(dirA, seeded, { recursive: true });
    a = await start('A', dirA);
    bootMs.A = a.bootMs;
    const idleA = await settledRss(a);
    const idleAMemory = await a.memory();
    const collectedA = await afterCollection(a);
    log(
      `server A restarted (${a.bootMs} ms), idle RSS ${idleA.toFixed(0)} MB ${JSON.stringify(idleAMemory)}`,
    );
    const blacklistAttempts: BlacklistAttempt[] = [];
    let b: ServerHandle | null = null;
    let idleB: number | null = null;
    let idleBMemory: Record<string, number> = {};
    let collectedB = '';
    if (options.blacklist > 0 && options.phases.has('auth')) {
      for (const size of [
        options.blacklist,
        Math.floor(options.blacklist / 10),
      ]) {
        if (size < 1 || b) {
          break;
        }
        const dir = join(work, `b-${size}`);
        cpSync(seeded, dir, { recursive: true });
        const insertMs = await seedBlacklist(
          join(dir, 'gatehouse.sqlite'),
          size,
        );
        log(
          `inserted ${size.toLocaleString('en')} revoked tokens in ${(insertMs / 1000).toFixed(1)} s; starting B…`,
        );
        try {
          b = await start('B', dir);
          blacklistAttempts.push({ size, insertMs, bootMs: b.bootMs });
          bootMs[`B (${size.toLocaleString('en')} revoked)`] = b.bootMs;
        } catch (error) {
          if (!(error instanceof BootTimeoutError)) {
            throw error;
          }
          blacklistAttempts.push({ size, insertMs, failure: error });
          log(
            `server B (${size.toLocaleString('en')} revoked tokens) did not start within ` +
              `${error.seconds} s (RSS reached ${error.peakRssMb.toFixed(0)} MB)`,
          );
        }
      }
    }
    const blacklistSize = blacklistAttempts.at(-1)?.size ?? 0;
    if (b) {
      idleB = await settledRss(b);
      idleBMemory = await b.memory();
      collectedB = await afterCollection(b);
      log(
        `server B up (${b.bootMs} ms), idle RSS ${idleB.toFixed(0)} MB ${JSON.stringify(idleBMemory)}`,
      );
    }
    // Optionally S: the same data served through @swc-node/register, to show what running the
    // TypeScript directly would change (throughput and, above all, RSS).
    let swc: ServerHandle | null = null;
    let idleSwc: number | null = null;
    if (options.swcCheck && options.build && options.phases.has('auth')) {
      const dir = join(work, 's');
      cpSync(seeded, dir, { recursive: true });
      swc = await start('S', dir, swcEntry());
      bootMs['S (swc-register)'] = swc.bootMs;
      idleSwc = await settledRss(swc);
      log(
        `server S (swc-register) up (${swc.bootMs} ms), idle RSS ${idleSwc.toFixed(0)} MB`,
      );
    }
    await firstBasicRequests(a.url, users);

    const c = options.connections;
    const baseline: Load = {
      server: a,
      path: '/api/bench/baseline',
      options: () => ({ connections: c }),
    };
    const jwt = (server: ServerHandle) =>
      perUserGet(
        server,
        '/api/data',
        users,
        (user) => ({ authorization: `Bearer ${user.accessToken}` }),
        c,
      );
    // Minted by A's keystore after its restart: the tokens of the provider, without its flows.
    const oauthTokens = new Map(
      (await a.mintOAuthTokens(users.map((user) => user.id))).map(
        (token, i) => [users[i].id, token] as const,
      ),
    );
    const loads = {
      baseline,
      jwt: jwt(a),
      oauth: perUserGet(
        a,
        '/api/data',
        users,
        (user) => ({ authorization: `Bearer ${oauthTokens.get(user.id)}` }),
        c,
      ),
      'api-key': perUserGet(
        a,
        '/api/data',
        users,
        (user) => ({ 'x-api-key': user.apiKey }),
        c,
      ),
      session: perUserGet(
        a,
        '/api/data',
        users,
        (user) => ({ cookie: `sid=${user.sessionId}` }),
        c,
      ),
      basic: {
        ...perUserGet(
          a,
          '/api/data',
          users,
          (user) => ({ authorization: user.basic }),
          c,
        ),
        // Verified credentials are cached for a minute and a round takes longer, so without
        // this every sample would open with one bcrypt per user: "after the first request".
        prepare: () => firstBasicRequests(a.url, users),
      },
      refresh: refreshLoad(a, refreshPool, users, c),
      login: loginLoad(a, users, c),
      postBaseline: formPostLoad(a, '/api/bench/baseline', c),
      clientCredentials: clientCredentialsLoad(
        a,
        await a.registerOAuthClients(c),
        c,
      ),
    };
    const blacklistName = `jwt, ${blacklistSize.toLocaleString('en')} revoked`;
    let peakA = 0;
    let peakB = 0;

    // 3a. The authentication paths against the baseline, and the blacklist against none.
    if (options.phases.has('auth')) {
      // The baseline is measured next to every case, and the big blacklist right after the jwt
      // case it is compared with: each ratio pairs samples taken seconds apart (pairedRatios).
      const baselineStep = { name: 'baseline', load: loads.baseline };
      const plan: NamedLoad[] = [
        baselineStep,
        { name: 'jwt', load: loads.jwt },
        ...(b ? [{ name: blacklistName, load: jwt(b) }] : []),
        baselineStep,
        { name: 'oauth', load: loads.oauth },
        baselineStep,
        { name: 'api-key', load: loads['api-key'] },
        baselineStep,
        { name: 'session', load: loads.session },
        baselineStep,
        { name: 'basic', load: loads.basic },
        baselineStep,
        ...(swc
          ? [
              {
                name: 'baseline (swc-register)',
                load: { ...loads.baseline, server: swc },
              },
              { name: 'jwt (swc-register)', load: jwt(swc) },
            ]
          : []),
      ];
      const { byName, timeline } = await interleave('auth', plan, options);
      const stats = (name: string) => summarise(byName.get(name) ?? []);
      const base = stats('baseline');
      const jwtStats = stats('jwt');
      rows.push({
        name: 'baseline',
        server: 'A',
        description:
          'GET /api/bench/baseline: public, the same body as /api/data, through the same global hooks, guards and interceptors (the denominator)',
        ...base,
      });
      const authRow = (
        name: string,
        description: string,
        minimum: number,
      ): Row => {
        const ratio = pairedRatio(timeline, name, 'baseline', 'baseline');
        return {
          name,
          server: 'A',
          description,
          ...stats(name),
          ratio,
          target: {
            text: `≥ ${minimum} of baseline`,
            met: ratio.value >= minimum,
          },
        };
      };
      rows.push(
        authRow(
          'jwt',
          'GET /api/data with Authorization: Bearer <access token>',
          0.85,
        ),
        authRow(
          'oauth',
          'GET /api/data with Authorization: Bearer <OAuth access token> (at+jwt, scope data:read, minted by the keystore)',
          0.85,
        ),
        authRow(
          'api-key',
          'GET /api/data with X-API-Key (scope data:read)',
          0.85,
        ),
        authRow('session', 'GET /api/data with the sid cookie', 0.85),
        authRow(
          'basic',
          `GET /api/data with Authorization: Basic, after each credential's first request (bcrypt cost ${options.bcryptCost})`,
          0.7,
        ),
      );
      for (const attempt of blacklistAttempts) {
        if (!attempt.failure) {
          continue;
        }
        rows.push({
          name: `jwt, ${attempt.size.toLocaleString('en')} revoked`,
          server: 'B',
          description:
            `not measured: the server on a copy of A's data with ${attempt.size.toLocaleString('en')} rows in ` +
            `revoked_tokens was still starting after ${attempt.failure.seconds} s (BENCH_BOOT_TIMEOUT) and was killed; ` +
            `its RSS had reached ${attempt.failure.peakRssMb.toFixed(0)} MB`,
          peakRssMb: attempt.failure.peakRssMb,
          target: { text: '≥ 0.95 of jwt (cost < 5%)', met: false },
        });
      }
      if (b) {
        const listed = stats(blacklistName);
        const ratio = pairedRatio(
          timeline,
          blacklistName,
          'jwt',
          'jwt (empty blacklist)',
        );
        const fallback = blacklistSize !== options.blacklist;
        rows.push({
          name: blacklistName,
          server: 'B',
          description:
            `GET /api/data, jwt, on a copy of A's data with ${blacklistSize.toLocaleString('en')} rows in revoked_tokens ` +
            `(none of them the tokens used)${fallback ? `, measured because ${options.blacklist.toLocaleString('en')} did not start in time` : ''}`,
          ...listed,
          ratio,
          target: {
            text: fallback
              ? `≥ 0.95 of jwt (the target is for ${options.blacklist.toLocaleString('en')})`
              : '≥ 0.95 of jwt (cost < 5%)',
            met: ratio.value >= 0.95,
          },
        });
        peakB = Math.max(peakB, listed.peakRssMb);
      }
      if (swc) {
        for (const [name, compiled] of [
          ['baseline (swc-register)', base],
          ['jwt (swc-register)', jwtStats],
        ] as const) {
          const row = stats(name);
          rows.push({
            name,
            server: 'S',
            description:
              'the same case on server S: the same data, bench-server.ts run through @swc-node/register instead of compiled',
            ...row,
            ratio: {
              value: row.rps / compiled.rps,
              to: 'compiled',
              cpu: compiled.serverCpuUs / row.serverCpuUs,
            },
          });
        }
        rows.push({
          name: 'idle RSS, S (swc-register)',
          server: 'S',
          description: `after start, before any load; compiled (A): ${idleA.toFixed(0)} MB`,
          peakRssMb: idleSwc ?? Number.NaN,
        });
      }
      for (const name of [
        'baseline',
        'jwt',
        'oauth',
        'api-key',
        'session',
        'basic',
      ]) {
        peakA = Math.max(peakA, stats(name).peakRssMb);
      }

      // Refresh writes to the database, and a baseline sample taken right after it read as much
      // as 30% lower: it has rounds of its own, after the read-only cases above.
      const refreshed = await interleave(
        'refresh',
        [baselineStep, { name: 'refresh', load: loads.refresh }],
        options,
      );
      const refresh = summarise(refreshed.byName.get('refresh') ?? []);
      rows.push({
        name: 'refresh',
        server: 'A',
        description:
          'POST /api/refresh, a fresh refresh token every request (rotation; no bcrypt); in rounds of its own, each after a baseline sample',
        ...refresh,
        ratio: pairedRatio(
          refreshed.timeline,
          'refresh',
          'baseline',
          'baseline',
        ),
      });
      peakA = Math.max(peakA, refresh.peakRssMb);

      // Issuing tokens writes nothing to the database (JWTs) but audits each one; rounds of
      // its own, against a public POST with the same form body.
      const issued = await interleave(
        'oauth-token',
        [
          { name: 'post baseline', load: loads.postBaseline },
          { name: 'oauth client_credentials', load: loads.clientCredentials },
        ],
        options,
      );
      const postBase = summarise(issued.byName.get('post baseline') ?? []);
      const tokens = summarise(
        issued.byName.get('oauth client_credentials') ?? [],
      );
      rows.push(
        {
          name: 'post baseline',
          server: 'A',
          description:
            'POST /api/bench/baseline with a form body: public, the same small answer (the denominator of the token rate)',
          ...postBase,
        },
        {
          name: 'oauth client_credentials',
          server: 'A',
          description:
            'POST /oauth/token, grant_type=client_credentials with HTTP Basic, each connection its own client: an ES256 JWT access token per request',
          ...tokens,
          ratio: pairedRatio(
            issued.timeline,
            'oauth client_credentials',
            'post baseline',
            'post baseline',
          ),
        },
      );
      peakA = Math.max(peakA, postBase.peakRssMb, tokens.peakRssMb);
    }

    // 3a'. The cheapest cases against a bare Fastify server doing the same check (issue #17),
    // each Gatehouse sample between two of the reference's case it is compared with.
    /** Cases of this phase profiled with the others (the reference stays up until the end). */
    const profiledToo: NamedLoad[] = [];
    if (options.phases.has('reference')) {
      const reference = await startServer(
        'R',
        referenceEntry(options.build),
        referenceEnv(jwtSecret, await gatehouseChallenges(a)),
        join(work, 'server-R.log'),
        options.bootTimeout,
      );
      servers.push(reference);
      bootMs['R (reference)'] = reference.bootMs;
      const withGlobalWork = await startServer(
        'R+',
        referenceEntry(options.build),
        {
          ...referenceEnv(jwtSecret, []),
          REFERENCE_GLOBAL_WORK: '1',
          LOG_LEVEL: options.logLevel,
        },
        join(work, 'server-R+.log'),
        options.bootTimeout,
      );
      servers.push(withGlobalWork);
      // A serves OAuth as any instance does: oidc-provider's AsyncLocalStorage is live from its
      // first request on, and under Node 20 every live store costs every promise and tick. A run
      // of this phase alone would otherwise measure an A that never served one.
      await measure(loads.clientCredentials, 1);
      const idleReference = await settledRss(reference);
      await assertSameAnswers(a, reference, users[0], jwtSecret);
      const referenceTokens = new Map(
        users.map((user) => [user.id, referenceToken(user, jwtSecret)]),
      );
      const steps = {
        refUnguarded: {
          name: 'reference: unguarded',
          load: { ...loads.baseline, server: reference },
        },
        refJwt: {
          name: 'reference: jwt',
          load: perUserGet(
            reference,
            '/api/data',
            users,
            (user) => ({
              authorization: `Bearer ${referenceTokens.get(user.id)}`,
            }),
            c,
          ),
        },
        refNoCredential: {
          name: 'reference: no credential (401)',
          load: noCredentialLoad(reference, c),
        },
        refGlobalWork: {
          name: "reference + Gatehouse's global work: unguarded",
          load: { ...loads.baseline, server: withGlobalWork },
        },
      };
      const gatehouseCase = (name: string, load: Load) => ({
        name: `gatehouse: ${name}`,
        load,
      });
      const plan: NamedLoad[] = [
        steps.refUnguarded,
        gatehouseCase('baseline', loads.baseline),
        steps.refGlobalWork,
        steps.refUnguarded,
        steps.refNoCredential,
        gatehouseCase('no credential (401)', noCredentialLoad(a, c)),
        steps.refNoCredential,
        steps.refJwt,
        gatehouseCase('jwt', loads.jwt),
        steps.refJwt,
        gatehouseCase('api-key', loads['api-key']),
        steps.refJwt,
        gatehouseCase('session', loads.session),
        steps.refJwt,
      ];
      const { byName, timeline } = await interleave('reference', plan, options);
      const stats = (name: string) => summarise(byName.get(name) ?? []);
      rows.push(
        {
          name: steps.refUnguarded.name,
          server: 'R',
          description:
            'GET /api/bench/baseline on the reference: bare Fastify, the same body, no hooks',
          ...stats(steps.refUnguarded.name),
        },
        {
          name: steps.refJwt.name,
          server: 'R',
          description:
            "GET /api/data on the reference: jsonwebtoken verifies an HS256 token (the user's token's claims) on every request, the same body",
          ...stats(steps.refJwt.name),
        },
        {
          name: steps.refNoCredential.name,
          server: 'R',
          description:
            'GET /api/data without a credential on the reference: the same 401 body and WWW-Authenticate challenges',
          ...stats(steps.refNoCredential.name),
        },
        {
          name: steps.refGlobalWork.name,
          server: 'R+',
          description:
            "GET /api/bench/baseline on the reference plus, with Gatehouse's own code, what Gatehouse does for every request outside Nest: security headers, request id, request context, rate limit in memory, request-log hook (bench/reference-global-work.ts)",
          ...stats(steps.refGlobalWork.name),
          ratio: pairedRatio(
            timeline,
            steps.refGlobalWork.name,
            steps.refUnguarded.name,
            steps.refUnguarded.name,
          ),
        },
      );
      const against = (
        name: string,
        referenceStep: { name: string },
        description: string,
      ): Row => {
        const ratio = pairedRatio(
          timeline,
          `gatehouse: ${name}`,
          referenceStep.name,
          referenceStep.name,
        );
        return {
          name: `gatehouse: ${name}`,
          server: 'A',
          description,
          ...stats(`gatehouse: ${name}`),
          ratio,
          target: { text: '≥ 0.5 of the reference', met: ratio.value >= 0.5 },
        };
      };
      const nestShare = pairedRatio(
        timeline,
        'gatehouse: baseline',
        steps.refGlobalWork.name,
        steps.refGlobalWork.name,
      );
      rows.push(
        against(
          'baseline',
          steps.refUnguarded,
          "GET /api/bench/baseline (public, through every global hook, guard and interceptor) against the reference's unguarded route",
        ),
        against(
          'no credential (401)',
          steps.refNoCredential,
          "GET /api/data without a credential: the 401, against the reference's",
        ),
        against(
          'jwt',
          steps.refJwt,
          'GET /api/data with a bearer token (ES256, verified once per token) against the reference verifying HS256 every request',
        ),
        against(
          'api-key',
          steps.refJwt,
          "GET /api/data with X-API-Key against the reference's jwt route",
        ),
        against(
          'session',
          steps.refJwt,
          "GET /api/data with the sid cookie against the reference's jwt route",
        ),
      );
      notes.push(
        `The reference (server R, bench/reference-server.ts) is Fastify ${fastifyVersion()} alone, with the same node flags; idle RSS ${idleReference.toFixed(0)} MB.`,
        `Gatehouse's baseline is ${nestShare.value.toFixed(3)} of R+ (by CPU: ${nestShare.cpu?.toFixed(3)}), the reference doing the same global work: what Nest's routing, guards and response handling cost on top of it.`,
      );
      peakA = Math.max(
        peakA,
        ...plan
          .filter(({ load }) => load.server === a)
          .flatMap(({ name }) => byName.get(name) ?? [])
          .map((sample) => sample.peakRssMb),
      );
      profiledToo.push(
        { name: 'no-credential', load: noCredentialLoad(a, c) },
        { name: 'reference-unguarded', load: steps.refUnguarded.load },
        { name: 'reference-jwt', load: steps.refJwt.load },
        { name: 'reference-global-work', load: steps.refGlobalWork.load },
      );
    }

    // 3b. Login throughput against what the cores can hash, interleaved.
    if (options.phases.has('login')) {
      const capacity: number[] = [];
      const logins: Sample[] = [];
      if (options.warmup > 0) {
        log(
          `[login warm-up] login: ${describe(await measure(loads.login, options.warmup))}`,
        );
      }
      for (let round = 1; round <= options.rounds; round++) {
        await quiesce();
        const hashes = await bcryptCapacity(
          options.bcryptCost,
          options.bcryptConcurrency,
          options.duration,
        );
        capacity.push(hashes);
        log(
          `[login ${round}/${options.rounds}] bcrypt capacity: ${hashes.toFixed(2)} compares/s`,
        );
        const sample = await measure(loads.login, options.duration);
        logins.push(sample);
        log(`[login ${round}/${options.rounds}] login: ${describe(sample)}`);
      }
      const hashesPerSecond = median(capacity);
      const login = summarise(logins);
      const ratio = login.rps / hashesPerSecond;
      rows.push(
        {
          name: `bcrypt capacity (cost ${options.bcryptCost})`,
          server: 'bench process',
          description: `bcrypt.compare calls per second with ${options.bcryptConcurrency} in flight (os.cpus().length; libuv threadpool), measured in the runner while the servers idle: what the machine's cores can hash`,
          rps: hashesPerSecond,
        },
        {
          name: `login (cost ${options.bcryptCost})`,
          server: 'A',
          description:
            'POST /api/login with a JSON body, each connection a different user',
          ...login,
          ratio: { value: ratio, to: 'bcrypt capacity' },
          target: { text: '≥ 0.80 of bcrypt capacity', met: ratio >= 0.8 },
        },
      );
      peakA = Math.max(peakA, login.peakRssMb);
    }

    // 3b'. What verifying a token costs per algorithm, on a miss and on a hit, measured in the
    // runner while the servers idle (the jwt route above is nearly all hits).
    if (options.phases.has('verify')) {
      await quiesce();
      const verification = await verificationCost(options.duration);
      for (const row of verification) {
        log(`[verify] ${row.name}: ${row.rps?.toFixed(0)} per second`);
      }
      rows.push(...verification);
    }

    // 3c. The jwt route's p99 alone and during a login storm, interleaved. The probe is a
    // light closed loop (a few connections), so its latency is service time, not a queue
    // behind its own requests.
    if (options.phases.has('storm')) {
      const probeConnections = options.stormProbeConnections;
      const probe = perUserGet(
        a,
        '/api/data',
        users,
        (user) => ({ authorization: `Bearer ${user.accessToken}` }),
        probeConnections,
      );
      const alone: Sample[] = [];
      const stormed: Sample[] = [];
      const storms: Sample[] = [];
      if (options.warmup > 0) {
        await measure(probe, options.warmup);
      }
      for (let round = 1; round <= options.rounds; round++) {
        const quiet = await measure(probe, options.duration);
        alone.push(quiet);
        log(
          `[storm ${round}/${options.rounds}] jwt probe alone: ${describe(quiet)}`,
        );
        await quiesce();
        await a.gc();
        const storm = startLoad(
          loginLoad(a, users, options.stormConnections),
          options.duration + 60,
        );
        const stormPeak = sampleRss(a);
        // Let the storm fill the threadpool before the probe starts.
        await sleep(1000);
        const during = await measure(probe, options.duration, {
          waitForQuiet: false,
        });
        storm.stop();
        const stormSample = toSample(await storm.done, stormPeak());
        stormed.push(during);
        storms.push(stormSample);
        log(
          `[storm ${round}/${options.rounds}] jwt probe during the storm: ${describe(during)}; ` +
            `storm logins ${stormSample.rps.toFixed(1)}/s`,
        );
      }
      const quiet = summarise(alone);
      const loud = summarise(stormed);
      const storm = summarise(storms);
      const ratio = loud.p99 / quiet.p99;
      rows.push(
        {
          name: `jwt probe (${probeConnections} conn.)`,
          server: 'A',
          description: `GET /api/data, jwt, ${probeConnections} connections back to back: the route's latency without a queue`,
          ...quiet,
        },
        {
          name: `jwt probe + login storm`,
          server: 'A',
          description: `the same while ${options.stormConnections} connections log in as fast as they can (storm logins: ${storm.rps.toFixed(1)}/s; the CPU column counts the storm's bcrypt too)`,
          ...loud,
          ratio: { value: ratio, to: 'p99 without the storm' },
          target: { text: 'p99 ≤ 3× without the storm', met: ratio <= 3 },
        },
      );
      peakA = Math.max(peakA, quiet.peakRssMb, loud.peakRssMb, storm.peakRssMb);
    }

    // 3d. The soak: every case on A at once, no collection forced in between, for the RSS a
    // sustained mixed load reaches (the samples above each start on a collected heap).
    if (options.phases.has('soak')) {
      const soakLoads: NamedLoad[] = [
        { name: 'baseline', load: loads.baseline },
        { name: 'jwt', load: loads.jwt },
        { name: 'api-key', load: loads['api-key'] },
        { name: 'session', load: loads.session },
        { name: 'basic', load: loads.basic },
        { name: 'refresh', load: loads.refresh },
      ];
      await loads.refresh.prepare?.();
      await quiesce();
      const cpuBefore = a.cpuMs();
      const peak = sampleRss(a);
      const finished = await Promise.all(
        soakLoads.map(({ load }) => startLoad(load, options.soak).done),
      );
      const soakPeak = peak();
      const cpuMs = a.cpuMs() - cpuBefore;
      const parts = finished.map((run, i) => ({
        name: soakLoads[i].name,
        sample: toSample(run, soakPeak),
      }));
      const total = parts.reduce((sum, { sample }) => sum + sample.rps, 0);
      const requests = parts.reduce(
        (sum, { sample }) => sum + sample.requests,
        0,
      );
      log(
        `[soak] ${total.toFixed(0)} rps in all (${parts
          .map(({ name, sample }) => `${name} ${sample.rps.toFixed(0)}`)
          .join(', ')}), peak RSS ${soakPeak.toFixed(0)} MB`,
      );
      rows.push({
        name: 'soak: all of the above at once',
        server: 'A',
        description:
          `baseline, jwt, api-key, session, basic and refresh together, ${options.connections} connections each, ` +
          `for ${options.soak} s without a forced collection: ${parts
            .map(({ name, sample }) => `${name} ${sample.rps.toFixed(0)} rps`)
            .join(', ')}`,
        rps: total,
        serverCpuUs: (cpuMs * 1000) / requests,
        peakRssMb: soakPeak,
        failures: sumCounts(
          parts.map(({ name, sample }) =>
            Object.fromEntries(
              Object.entries(sample.failures).map(([key, count]) => [
                `${name} ${key}`,
                count,
              ]),
            ),
          ),
        ),
      });
      peakA = Math.max(peakA, soakPeak);
      const afterSoak = await settledRss(a);
      rows.push({
        name: 'RSS after the soak, A',
        server: 'A',
        description: `A's RSS ${SETTLE_MS / 1000} s after the soak ended, without a forced collection (the soak's own peak: ${soakPeak.toFixed(0)} MB)`,
        peakRssMb: afterSoak,
        ratio: { value: afterSoak / idleA, to: 'idle RSS, A' },
        target: {
          text: '≤ 1.5 × idle RSS',
          met: afterSoak <= 1.5 * idleA,
        },
      });
    }

    // 4. Memory.
    const idleAfterLoad = await settledRss(a);
    rows.push(
      {
        name: 'idle RSS, A',
        server: 'A',
        description: `after start on the seeded database, before any load (${memoryText(idleAMemory)}; ${collectedA}; on the empty database: ${bootRss.toFixed(0)} MB; just after seeding: ${seededRss.toFixed(0)} MB; idle after all the load: ${idleAfterLoad.toFixed(0)} MB)`,
        peakRssMb: idleA,
        // Issue #17's target (issue #5's was 150 MB).
        target: { text: '< 120 MB', met: idleA < 120 },
      },
      {
        name: 'peak RSS under load, A',
        server: 'A',
        description:
          'the highest RSS sampled (every 100 ms) during any case on A',
        peakRssMb: peakA,
        target: { text: '< 300 MB', met: peakA < 300 },
      },
    );
    if (b && idleB !== null) {
      rows.push(
        {
          name: `idle RSS, B (${blacklistSize.toLocaleString('en')} revoked)`,
          server: 'B',
          description: `after start with the blacklist loaded, before any load (${memoryText(idleBMemory)}; ${collectedB})`,
          peakRssMb: idleB,
          target: { text: '< 150 MB', met: idleB < 150 },
        },
        {
          name: `peak RSS under load, B (${blacklistSize.toLocaleString('en')} revoked)`,
          server: 'B',
          description: 'the highest RSS sampled during the jwt case on B',
          peakRssMb: peakB,
          target: { text: '< 300 MB', met: peakB < 300 },
        },
      );
    }

    // 5. Optional CPU profiles: one extra sample per case, profiled, never used for the figures.
    let profileReport: string | null = null;
    if (options.profile) {
      const dir = join(RESULTS, 'profiles');
      mkdirSync(dir, { recursive: true });
      const profiled: NamedLoad[] = [
        { name: 'baseline', load: loads.baseline },
        { name: 'jwt', load: loads.jwt },
        { name: 'api-key', load: loads['api-key'] },
        { name: 'session', load: loads.session },
        { name: 'basic', load: loads.basic },
        ...(b ? [{ name: 'jwt-blacklist', load: jwt(b) }] : []),
        { name: 'refresh', load: loads.refresh },
        { name: 'login', load: loads.login },
        ...profiledToo,
      ];
      const sections: string[] = [];
      for (const { name, load } of profiled) {
        const path = join(dir, `${name}.cpuprofile`);
        await load.prepare?.();
        await quiesce();
        await load.server.gc();
        await load.server.startProfile(PROFILE_INTERVAL_MICROS);
        const sample = await measure(load, options.duration, {
          waitForQuiet: false,
        });
        await load.server.stopProfile(path);
        log(`[profile] ${name}: ${describe(sample)} → ${path}`);
        sections.push(
          profileMarkdown(
            `${name} (${sample.rps.toFixed(0)} rps while profiled)`,
            summariseProfile(path, ROOT),
          ),
        );
      }
      profileReport = [
        '# CPU profiles of the latest run',
        '',
        `Run of ${startedAt.toISOString()}, the same as ${options.output}.md.`,
        '',
        `The server's main thread, sampled every ${PROFILE_INTERVAL_MICROS} µs during one extra ${options.duration} s sample per case ` +
          '(profiling slows the server; these samples are not in the table). bcrypt runs on libuv threads, which are not sampled: ' +
          'on the main thread it shows as idle time. The .cpuprofile files are in bench/results/profiles/ (not committed); ' +
          'open them in Chrome DevTools or summarise one with `node -r @swc-node/register bench/profile-summary.ts <file>`.',
        '',
        ...sections,
      ].join('\n');
    }

    if (!requestLineOn(options.logLevel)) {
      notes.push(
        `Request logging is off (LOG_LEVEL=${options.logLevel}): the per-request line is at level 'log', the server's default, which the bench uses unless BENCH_LOG_LEVEL says otherwise.`,
      );
    }

    const finishedAt = new Date();
    const results: Results = {
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      elapsedSeconds: (finishedAt.getTime() - startedAt.getTime()) / 1000,
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
        memoryMb: Math.round(totalmem() / 1024 / 1024),
        node: process.versions.node,
        platform: `${process.platform} ${process.arch}`,
      },
      git,
      options: { ...options, phases: [...options.phases] },
      server: {
        runtime: entry.description,
        env: {
          ...serverEnv(options, '<temp>', '<random, 48 bytes>'),
          PATH: '…',
          HOME: '…',
        },
        bootMs,
      },
      seeding: {
        users: users.length,
        blacklists: blacklistAttempts.map(
          ({ size, insertMs, bootMs, failure }) => ({
            rows: size,
            insertMs: Math.round(insertMs),
            bootMs: bootMs ?? null,
            bootTimedOutAfterSeconds: failure?.seconds ?? null,
          }),
        ),
      },
      rows,
      notes,
    };
    writeResults(results, options.output, profileReport);
  } finally {
    for (const server of servers) {
      await server.stop();
    }
    if (options.keepData) {
      log(`data and server logs kept in ${work}`);
    } else {
      rmSync(work, { recursive: true, force: true });
    }
  }
}

function writeResults(
  results: Results,
  output: string,
  profileReport: string | null,
): void {
  mkdirSync(RESULTS, { recursive: true });
  const md = markdown(results);
  const json = `${JSON.stringify(results, null, 2)}\n`;
  const stamp = results.startedAt.replace(/[:.]/g, '-');
  writeFileSync(join(RESULTS, `${output}.md`), md);
  writeFileSync(join(RESULTS, `${output}.json`), json);
  writeFileSync(join(RESULTS, `${stamp}.md`), md);
  writeFileSync(join(RESULTS, `${stamp}.json`), json);
  if (profileReport) {
    writeFileSync(join(RESULTS, `${output}-profile.md`), profileReport);
  }
  process.stdout.write(`\n${md}\n`);
  log(
    `wrote bench/results/${output}.md and ${output}.json (and ${stamp}.*)` +
      (profileReport ? `, ${output}-profile.md` : ''),
  );
}

main().catch((error: unknown) => {
  log(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  process.exitCode = 1;
});

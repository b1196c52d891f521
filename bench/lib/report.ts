import { type BenchOptions, requestLineOn } from './options';
import type { Sample } from './load';

export interface Target {
  text: string;
  met: boolean;
}

/** One row of the table: a load case (samples) or a single measured figure. */
export interface Row {
  name: string;
  /** What was measured, for the reader. */
  description: string;
  server: string;
  rps?: number;
  p50?: number;
  p99?: number;
  peakRssMb?: number;
  /** Server CPU per request, µs (median over samples). */
  serverCpuUs?: number;
  clientCpuUs?: number;
  /** e.g. 0.91 of baseline. */
  ratio?: {
    value: number;
    to: string;
    /** The same comparison by server CPU per request (denominator's / this row's). */
    cpu?: number;
    /** This row's median rps over the denominator's median rps, for the paired ratios. */
    ofMedians?: number;
  };
  target?: Target;
  samples?: Sample[];
  failures?: Record<string, number>;
}

function ratioDetails(ratio: NonNullable<Row['ratio']>): string {
  const details = [
    ratio.cpu === undefined ? null : `by CPU: ${ratio.cpu.toFixed(3)}`,
    ratio.ofMedians === undefined
      ? null
      : `of medians: ${ratio.ofMedians.toFixed(3)}`,
  ].filter(Boolean);
  return details.length > 0 ? ` (${details.join('; ')})` : '';
}

export interface Results {
  startedAt: string;
  finishedAt: string;
  elapsedSeconds: number;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryMb: number;
    node: string;
    platform: string;
  };
  git: { commit: string; dirty: boolean };
  options: Omit<BenchOptions, 'phases'> & { phases: string[] };
  server: {
    runtime: string;
    env: Record<string, string>;
    bootMs: Record<string, number>;
  };
  seeding: {
    users: number;
    blacklists: {
      rows: number;
      insertMs: number;
      bootMs: number | null;
      bootTimedOutAfterSeconds: number | null;
    }[];
  };
  rows: Row[];
  notes: string[];
}

const fixed = (value: number | undefined, digits: number) =>
  value === undefined || Number.isNaN(value) ? '' : value.toFixed(digits);

export function markdown(results: Results): string {
  const { machine, options } = results;
  const lines = [
    '# Gatehouse benchmark',
    '',
    `${results.startedAt}, ${results.elapsedSeconds.toFixed(0)} s; ` +
      `${machine.cpus} × ${machine.cpuModel}, ${(machine.memoryMb / 1024).toFixed(0)} GB, ` +
      `Node ${machine.node} (${machine.platform}); commit ${results.git.commit.slice(0, 10)}` +
      `${results.git.dirty ? ' + uncommitted changes' : ''}.`,
    '',
    `Server: ${results.server.runtime}; SQLite; ${options.connections} connections; ` +
      `${options.rounds} interleaved rounds of ${options.duration} s samples after ${options.warmup} s warm-up; ` +
      `bcrypt cost ${options.bcryptCost}; LOG_LEVEL=${options.logLevel} ` +
      `(${requestLineOn(options.logLevel) ? 'per-request log line on, stdout to a file' : 'per-request log line off'}); ` +
      `rate limits ${options.rateLimit}. rps = 2xx responses per second; p50/p99 in ms; ` +
      'figures are medians over the rounds, peak RSS the maximum. Server CPU µs/req is the server ' +
      "process's CPU time (all threads) per completed request; the load generator shares the machine, " +
      'so a ratio "by CPU" (denominator CPU/req ÷ this CPU/req) is what the server alone would show. ' +
      "A paired ratio compares each sample with the denominator's samples taken just before and after it " +
      'in the same round, and is the median of those over the rounds; "of medians" divides the two ' +
      "medians instead, mixing rounds the machine's neighbours slowed with rounds they did not.",
    '',
    '| case | rps | p50 ms | p99 ms | server CPU µs/req | peak RSS MB | ratio | target | met? |',
    '|---|---:|---:|---:|---:|---:|---|---|---|',
    ...results.rows.map((row) =>
      [
        '',
        `${row.name}`,
        fixed(row.rps, row.rps !== undefined && row.rps < 100 ? 1 : 0),
        fixed(row.p50, 1),
        fixed(row.p99, 1),
        fixed(row.serverCpuUs, 0),
        fixed(row.peakRssMb, 0),
        row.ratio
          ? `${row.ratio.value.toFixed(3)} of ${row.ratio.to}` +
            ratioDetails(row.ratio)
          : '',
        row.target?.text ?? '',
        row.target ? (row.target.met ? 'yes' : '**no**') : '',
        '',
      ]
        .join(' | ')
        .trim(),
    ),
    '',
    'Cases:',
    '',
    ...results.rows.map(
      (row) => `- **${row.name}** (${row.server}): ${row.description}`,
    ),
    '',
  ];
  const failing = results.rows.filter(
    (row) => row.failures && Object.keys(row.failures).length > 0,
  );
  if (failing.length > 0) {
    lines.push(
      'Responses other than 2xx (not counted in rps):',
      '',
      ...failing.map((row) => `- ${row.name}: ${JSON.stringify(row.failures)}`),
      '',
    );
  }
  if (results.notes.length > 0) {
    lines.push('Notes:', '', ...results.notes.map((note) => `- ${note}`), '');
  }
  lines.push(
    `Boot (process start to listening): ${Object.entries(results.server.bootMs)
      .map(([name, ms]) => `${name} ${ms} ms`)
      .join(
        ', ',
      )}. Seeded ${results.seeding.users} users (each with a token, ` +
      'an API key and a session)' +
      results.seeding.blacklists
        .map(
          (list) =>
            `; ${list.rows.toLocaleString('en')} revoked tokens inserted in ` +
            `${(list.insertMs / 1000).toFixed(1)} s, ` +
            (list.bootMs === null
              ? `server not listening after ${list.bootTimedOutAfterSeconds} s`
              : `server listening after ${(list.bootMs / 1000).toFixed(1)} s`),
        )
        .join('') +
      '.',
    '',
    'Reproduce: `npm run bench` (environment: `BENCH_DURATION`, `BENCH_ROUNDS`, `BENCH_WARMUP`, ' +
      '`BENCH_CONNECTIONS`, `BENCH_BLACKLIST`, `BENCH_LOG_LEVEL`, `BENCH_PROFILE=1`, … see bench/README.md).',
    '',
  );
  return lines.join('\n');
}

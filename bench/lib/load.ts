import autocannon, {
  type Instance,
  type Options,
  type Result,
} from 'autocannon';
import { quiesce, sampleRss, type ServerHandle } from './server-process';

/** One measured stretch of load against one server. */
export interface Sample {
  /** 2xx responses per second. */
  rps: number;
  p50: number;
  p99: number;
  peakRssMb: number;
  /** Server CPU (all its threads) per completed request, µs: robust to a shared machine. */
  serverCpuUs: number;
  /** The load generator's CPU per completed request, µs (it shares the machine's cores). */
  clientCpuUs: number;
  /** Completed requests, whatever their status. */
  requests: number;
  /** Responses that were not 2xx, by status, plus socket errors and timeouts. */
  failures: Record<string, number>;
}

export interface Load {
  server: ServerHandle;
  /** The path requested (when `requests` does not say otherwise). */
  path: string;
  /** Built fresh for every run: stateful cases (refresh) hand out new credentials each time. */
  options(): Omit<Options, 'url' | 'duration'>;
  /** Runs before each run (e.g. to top up a pool of single-use tokens). */
  prepare?(): Promise<void>;
  /** The status a successful response has (default: any 2xx); rps counts only those. */
  expectedStatus?: number;
}

export interface Finished {
  result: Result;
  /** Every successful (2xx, or the expected status) response's latency in ms, unrounded (autocannon's histogram keeps whole ms). */
  latencies: number[];
}

export interface Running {
  stop(): void;
  done: Promise<Finished>;
}

/** Starts a load without waiting for it: for a second load that runs alongside another. */
export function startLoad(load: Load, durationSeconds: number): Running {
  let instance: Instance | undefined;
  const latencies: number[] = [];
  const done = new Promise<Finished>((resolve, reject) => {
    instance = autocannon(
      {
        ...load.options(),
        url: `${load.server.url}${load.path}`,
        duration: durationSeconds,
      },
      (error, result) =>
        error ? reject(error) : resolve({ result, latencies }),
    );
    instance.on(
      'response',
      (_client: unknown, status: number, _bytes: number, ms: number) => {
        if (
          load.expectedStatus === undefined
            ? status >= 200 && status < 300
            : status === load.expectedStatus
        ) {
          latencies.push(ms);
        }
      },
    );
  });
  return { stop: () => instance?.stop(), done };
}

/**
 * Runs a load for `durationSeconds`, sampling the server's RSS every 100 ms; first waits for
 * the servers to go quiet and collects the server's garbage, unless told not to (a load alongside another on purpose; a profiled
 * sample, whose sampling thread keeps the server busy).
 */
export async function measure(
  load: Load,
  durationSeconds: number,
  { waitForQuiet = true }: { waitForQuiet?: boolean } = {},
): Promise<Sample> {
  await load.prepare?.();
  if (waitForQuiet) {
    // Leftovers of the previous sample (queued bcrypt work, garbage) would land in this one.
    await quiesce();
    await load.server.gc();
  }
  const peak = sampleRss(load.server);
  const serverCpuBefore = load.server.cpuMs();
  const clientCpuBefore = process.cpuUsage();
  let finished: Finished;
  try {
    finished = await startLoad(load, durationSeconds).done;
  } catch (error) {
    peak();
    throw error;
  }
  const serverCpuMs = load.server.cpuMs() - serverCpuBefore;
  const client = process.cpuUsage(clientCpuBefore);
  return toSample(
    finished,
    peak(),
    {
      serverCpuMs,
      clientCpuMs: (client.user + client.system) / 1000,
    },
    load.expectedStatus,
  );
}

export function toSample(
  { result, latencies }: Finished,
  peakRssMb: number,
  cpu: { serverCpuMs: number; clientCpuMs: number } = {
    serverCpuMs: Number.NaN,
    clientCpuMs: Number.NaN,
  },
  expectedStatus?: number,
): Sample {
  const requests = result.requests.total;
  const expected = (status: string) =>
    expectedStatus === undefined
      ? status.startsWith('2')
      : status === String(expectedStatus);
  const failures: Record<string, number> = {};
  let succeeded = 0;
  for (const [status, { count }] of Object.entries(result.statusCodeStats)) {
    if (expected(status)) {
      succeeded += count;
    } else {
      failures[status] = count;
    }
  }
  if (result.errors > 0) {
    failures.errors = result.errors;
  }
  if (result.timeouts > 0) {
    failures.timeouts = result.timeouts;
  }
  return {
    rps: succeeded / result.duration,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    peakRssMb,
    serverCpuUs: (cpu.serverCpuMs * 1000) / requests,
    clientCpuUs: (cpu.clientCpuMs * 1000) / requests,
    requests,
    failures,
  };
}

/** Nearest-rank percentile; NaN without values. */
function percentile(values: number[], fraction: number): number {
  if (values.length === 0) {
    return Number.NaN;
  }
  const sorted = Float64Array.from(values).sort();
  return sorted[
    Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)
  ];
}

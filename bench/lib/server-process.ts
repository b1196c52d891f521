import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunnerToServer, ServerToRunner } from './server-messages';

/** How to launch the bench server: node with these arguments (entry file last). */
export interface ServerEntry {
  args: readonly string[];
  cwd: string;
  description: string;
}

export interface ServerHandle {
  readonly name: string;
  readonly pid: number;
  readonly url: string;
  /** Process start to listening, in ms, as the server measured it. */
  readonly bootMs: number;
  readonly logPath: string;
  /** Resident set size now, in MB. */
  rssMb(): number;
  /** CPU time the process has used so far (all threads, user + system), in ms. */
  cpuMs(): number;
  /** The server's own process.memoryUsage(), in MB. */
  memory(): Promise<Record<string, number>>;
  /** A full garbage collection in the server, so a sample does not pay for the previous one's garbage. */
  gc(): Promise<void>;
  /** One OAuth access token per user id, minted by the server (no provider flow needed). */
  mintOAuthTokens(userIds: string[]): Promise<string[]>;
  registerOAuthClients(
    count: number,
  ): Promise<{ id: string; secret: string }[]>;
  startProfile(intervalMicros: number): Promise<void>;
  stopProfile(path: string): Promise<void>;
  stop(): Promise<void>;
}

const STOP_TIMEOUT_MS = 20_000;

/** Servers started and not yet stopped: `quiesce` waits for all of them. */
const live = new Set<{ pid: number }>();

/** The server did not listen in time; it has been killed. */
export class BootTimeoutError extends Error {
  constructor(
    readonly seconds: number,
    /** The highest RSS sampled while it was starting, MB. */
    readonly peakRssMb: number,
    logTail: string,
  ) {
    super(`not ready after ${seconds} s\n${logTail}`);
    this.name = 'BootTimeoutError';
  }
}

/** The flags between `node` and the script in package.json's `start`: `node --a --b dist/…`. */
export function startScriptNodeFlags(
  start: string = readPackageStartScript(),
): string[] {
  const match = /^node((?:\s+--\S+)*)\s+\S+$/.exec(start.trim());
  if (!match) {
    throw new Error(
      `package.json's start script should be "node [--flag…] <script>" (got "${start}")`,
    );
  }
  return match[1].split(/\s+/).filter(Boolean);
}

function readPackageStartScript(): string {
  const manifest = JSON.parse(
    readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'),
  ) as { scripts: { start: string } };
  return manifest.scripts.start;
}

export async function startServer(
  name: string,
  entry: ServerEntry,
  env: NodeJS.ProcessEnv,
  logPath: string,
  bootTimeoutSeconds: number,
): Promise<ServerHandle> {
  const log = openSync(logPath, 'a');
  // --expose-gc lets the runner start every sample on a collected heap (see `gc`); the other
  // flags are those `npm start` gives node, so that the server measured is the one deployed.
  const child = spawn(
    process.execPath,
    ['--expose-gc', ...startScriptNodeFlags(), ...entry.args],
    {
      env,
      cwd: entry.cwd,
      stdio: ['ignore', log, log, 'ipc'],
    },
  );
  closeSync(log);
  const pid = child.pid;
  if (pid === undefined) {
    throw new Error(`server ${name} did not start`);
  }
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });

  let bootPeak = 0;
  const bootSampler = setInterval(() => {
    bootPeak = higher(bootPeak, rssMb(pid));
  }, 200);
  let ready: Extract<ServerToRunner, { type: 'ready' }>;
  try {
    ready = await waitFor(child, 'ready', bootTimeoutSeconds * 1000);
  } catch (error) {
    const gone = exited
      ? Promise.resolve()
      : new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await gone;
    if (error instanceof Error && error.message.startsWith('no "ready"')) {
      throw new BootTimeoutError(bootTimeoutSeconds, bootPeak, tail(logPath));
    }
    throw new Error(
      `server ${name} did not start: ${error instanceof Error ? error.message : String(error)}\n--- ${logPath} ---\n${tail(logPath)}`,
      { cause: error },
    );
  } finally {
    clearInterval(bootSampler);
  }

  const tracked = { pid };
  live.add(tracked);
  return {
    name,
    pid,
    url: `http://127.0.0.1:${ready.port}`,
    bootMs: ready.bootMs,
    logPath,
    rssMb: () => rssMb(pid),
    cpuMs: () => cpuMs(pid),
    async gc() {
      const done = waitFor(child, 'gc-done', 30_000);
      send(child, { type: 'gc' });
      await done;
    },
    async mintOAuthTokens(userIds) {
      const answer = waitFor(child, 'oauth-tokens', 30_000);
      send(child, { type: 'mint-oauth', userIds });
      return (await answer).tokens;
    },
    async registerOAuthClients(count) {
      const answer = waitFor(child, 'oauth-clients', 30_000);
      send(child, { type: 'register-oauth-clients', count });
      return (await answer).clients;
    },
    async memory() {
      const answer = waitFor(child, 'memory', 10_000);
      send(child, { type: 'memory-request' });
      return (await answer).usage;
    },
    async startProfile(intervalMicros) {
      const started = waitFor(child, 'profile-started', 10_000);
      send(child, { type: 'profile-start', intervalMicros });
      await started;
    },
    async stopProfile(path) {
      const written = waitFor(child, 'profile-written', 60_000);
      send(child, { type: 'profile-stop', path });
      await written;
    },
    async stop() {
      live.delete(tracked);
      if (exited) {
        return;
      }
      const gone = new Promise<void>((resolve) =>
        child.once('exit', () => resolve()),
      );
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await gone;
      clearTimeout(timer);
    },
  };
}

function send(child: ChildProcess, message: RunnerToServer): void {
  child.send(message);
}

function waitFor<T extends ServerToRunner['type']>(
  child: ChildProcess,
  type: T,
  timeoutMs: number,
): Promise<Extract<ServerToRunner, { type: T }>> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (message: ServerToRunner) => {
      if (message.type === type) {
        cleanup();
        resolve(message as Extract<ServerToRunner, { type: T }>);
      } else if (message.type === 'profile-error') {
        cleanup();
        reject(new Error(message.message));
      }
    };
    const onExit = (code: number | null, signal: string | null) => {
      cleanup();
      reject(new Error(`exited (code ${code}, signal ${signal})`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no "${type}" within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** VmRSS from /proc (Linux); `ps` elsewhere. */
export function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    if (match) {
      return Number(match[1]) / 1024;
    }
  } catch {
    // not Linux, or the process is gone
  }
  try {
    const out = execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], {
      encoding: 'utf8',
    });
    return Number(out.trim()) / 1024;
  } catch {
    return Number.NaN;
  }
}

/** Math.max that ignores NaN readings (a process that just went away). */
function higher(peak: number, reading: number): number {
  return Number.isNaN(reading) ? peak : Math.max(peak, reading);
}

/**
 * Waits until every live server has used under 10% of a core for 300 ms: a stopped load leaves
 * requests behind (queued bcrypt work above all) that would otherwise land in the next sample.
 */
export async function quiesce(maxMs = 30_000): Promise<void> {
  const deadline = performance.now() + maxMs;
  const windowMs = 300;
  while (performance.now() < deadline) {
    const before = [...live].map(({ pid }) => cpuMs(pid));
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const after = [...live].map(({ pid }) => cpuMs(pid));
    if (
      after.every(
        (ms, i) => Number.isNaN(ms) || ms - before[i] < windowMs * 0.1,
      )
    ) {
      return;
    }
  }
}

let clockTicks: number | undefined;

/** utime + stime from /proc/<pid>/stat (Linux; NaN elsewhere). */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; count from after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    clockTicks ??= Number(
      execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim(),
    );
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
  } catch {
    return Number.NaN;
  }
}

/** Samples a process's RSS every `intervalMs` until stopped; returns the peak in MB. */
export function sampleRss(
  server: ServerHandle,
  intervalMs = 100,
): () => number {
  let peak = higher(0, server.rssMb());
  const timer = setInterval(() => {
    peak = higher(peak, server.rssMb());
  }, intervalMs);
  return () => {
    clearInterval(timer);
    return higher(peak, server.rssMb());
  };
}

function tail(path: string, lines = 30): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

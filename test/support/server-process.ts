import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** The server as an operator runs it: its own process, configured only by the environment. */
export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** The exit code, or the signal when the process ended by one. */
  exited: Promise<number | string | null>;
}

const root = join(__dirname, '..', '..');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

export function startServer(
  env: Record<string, string>,
  port: number,
): ServerProcess {
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', 'src/main.ts'],
    {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', PORT: String(port), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal)),
  );
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    exited,
  };
}

export async function waitUntilUp(server: ServerProcess): Promise<void> {
  // Compiling src/ on the fly (@swc-node/register) and loading oidc-provider took 23 s on a
  // machine with a load average of 16; a server that never comes up still fails, after a minute.
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${server.url}/api/health`);
      if (response.ok) {
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`server did not start:\n${server.output()}`);
}

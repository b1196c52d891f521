import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
/** Starts the answer's line: what the script itself prints (logs) comes before it. */
const MARKER = 'loaded packages: ';

/**
 * Runs `script` (CommonJS, which may require the project's TypeScript, and may `await`) in a
 * fresh Node process from the project's root: for what jest's own process cannot show, such as
 * which modules a process loaded or what it wrote before exiting.
 */
export function runInFreshProcess(script: string): {
  status: number | null;
  stdout: string;
  stderr: string;
} {
  const child = spawnSync(
    process.execPath,
    [
      '-r',
      '@swc-node/register',
      '-e',
      `(async () => {
         ${script}
       })().catch((error) => { process.stderr.write(String(error?.stack ?? error)); process.exit(1); });`,
    ],
    { cwd: root, encoding: 'utf8', timeout: 60_000 },
  );
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

/**
 * The npm packages a fresh process has loaded after running `script`: for proving a heavy
 * dependency stays unloaded until it is needed.
 */
export function packagesLoadedBy(script: string): string[] {
  const child = runInFreshProcess(`
    ${script}
    const loaded = new Set();
    for (const file of Object.keys(require.cache)) {
      const match = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(file.slice(file.lastIndexOf('node_modules/')));
      if (match) loaded.add(match[1]);
    }
    process.stdout.write('\\n' + ${JSON.stringify(MARKER)} + JSON.stringify([...loaded]));
  `);
  if (child.status !== 0) {
    throw new Error(`the script failed: ${child.stderr}`);
  }
  const answer = child.stdout.slice(
    child.stdout.lastIndexOf(MARKER) + MARKER.length,
  );
  return JSON.parse(answer) as string[];
}

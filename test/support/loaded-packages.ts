import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
/** Starts the answer's line: what the script itself prints (logs) comes before it. */
const MARKER = 'loaded packages: ';

/**
 * The npm packages a fresh Node process has loaded after running `script` (CommonJS, which may
 * require the project's TypeScript). For proving a heavy dependency stays unloaded until it is
 * needed: jest's own module registry cannot tell, a plain process can.
 */
export function packagesLoadedBy(script: string): string[] {
  const child = spawnSync(
    process.execPath,
    [
      '-r',
      '@swc-node/register',
      '-e',
      `const MARKER = ${JSON.stringify(MARKER)};
       (async () => {
         ${script}
         const loaded = new Set();
         for (const file of Object.keys(require.cache)) {
           const match = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(file.slice(file.lastIndexOf('node_modules/')));
           if (match) loaded.add(match[1]);
         }
         process.stdout.write('\\n' + MARKER + JSON.stringify([...loaded]));
       })().catch((error) => { process.stderr.write(String(error?.stack ?? error)); process.exit(1); });`,
    ],
    { cwd: root, encoding: 'utf8', timeout: 60_000 },
  );
  if (child.status !== 0) {
    throw new Error(`the script failed: ${child.stderr}`);
  }
  const answer = child.stdout.slice(
    child.stdout.lastIndexOf(MARKER) + MARKER.length,
  );
  return JSON.parse(answer) as string[];
}

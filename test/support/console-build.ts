import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defaultConsoleDir } from '../../src/console/console-static';

/** The built console, building it first when `npm run build:web` has not run yet. */
export function ensureConsoleBuilt(): string {
  const dir = defaultConsoleDir();
  if (!existsSync(join(dir, 'index.html'))) {
    const root = join(__dirname, '..', '..');
    execFileSync(
      process.execPath,
      [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', 'web'],
      { cwd: root, stdio: 'ignore' },
    );
  }
  return dir;
}

// Builds dist/ with tsc only when a source is newer than the last build, so that `npm start`
// (prestart) does not spend ~15 s recompiling an unchanged tree on every start.
//
// Building is tsc for the server (dist/), then `npm run build:web` for the console (web/dist/).
//
//   node scripts/build-if-stale.mjs            build if stale (prestart, prepare)
//   node scripts/build-if-stale.mjs --force    always build (npm run build)
//   node scripts/build-if-stale.mjs --check    only report: exit 0 if fresh, 3 if stale
//   --root DIR                                 the project to look at (tests use a scratch one)
//
// Stale means: no stamp, no dist/src/main.js, or a file or directory among the inputs modified
// after the stamp. Directories count because adding, deleting or renaming a file changes its
// directory's mtime. The stamp's mtime is the time the build started, so an edit made while
// tsc runs still counts as newer.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';

/** What the server and console builds read. */
const INPUTS = [
  'src',
  'web',
  'ormconfig.ts',
  'tsconfig.json',
  'tsconfig.build.json',
];
const STAMP = join('dist', '.build-stamp');
const ENTRY = join('dist', 'src', 'main.js');
const CONSOLE_ENTRY = join('web', 'dist', 'index.html');

/** The newest input (file or directory) under root, ignoring unit tests, which dist omits. */
function newestInput(root) {
  let newest = { path: null, mtimeMs: 0 };
  const visit = (path) => {
    const stats = statSync(path);
    if (stats.mtimeMs > newest.mtimeMs) {
      newest = { path, mtimeMs: stats.mtimeMs };
    }
    if (stats.isDirectory()) {
      for (const name of readdirSync(path)) {
        if (!name.endsWith('.spec.ts') && name !== 'node_modules') {
          visit(join(path, name));
        }
      }
    }
  };
  for (const input of INPUTS) {
    if (existsSync(join(root, input))) {
      visit(join(root, input));
    }
  }
  return newest;
}

/** The console's sources are there (its page, which Vite builds from). */
function hasConsole(root) {
  return existsSync(join(root, 'web', 'index.html'));
}

/** Why dist/ must be rebuilt, or null when it is up to date. */
function staleReason(root) {
  const stamp = join(root, STAMP);
  if (!existsSync(stamp) || !existsSync(join(root, ENTRY))) {
    return 'no previous build';
  }
  if (hasConsole(root) && !existsSync(join(root, CONSOLE_ENTRY))) {
    return 'no previous console build';
  }
  const builtAt = statSync(stamp).mtimeMs;
  const newest = newestInput(root);
  if (newest.mtimeMs > builtAt) {
    return `${relative(root, newest.path)} changed since the last build`;
  }
  return null;
}

function build(root, startedAt) {
  const require = createRequire(join(root, 'package.json'));
  let tsc;
  try {
    tsc = require.resolve('typescript/bin/tsc');
  } catch {
    return null;
  }
  // Like `nest build`'s deleteOutDir: no compiled file outlives its deleted source.
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  const result = spawnSync(
    process.execPath,
    [tsc, '-p', join(root, 'tsconfig.build.json')],
    { cwd: root, stdio: 'inherit' },
  );
  if (result.status !== 0) {
    console.error('[build] tsc failed');
    return false;
  }
  if (hasConsole(root)) {
    // Vite and the size budget check live in the build:web script; npm runs it with the
    // project's own binaries on PATH.
    const web = spawnSync('npm', ['run', '--silent', 'build:web'], {
      cwd: root,
      stdio: 'inherit',
    });
    if (web.status !== 0) {
      console.error('[build] the console build (npm run build:web) failed');
      return false;
    }
  }
  writeFileSync(
    join(root, STAMP),
    `built by scripts/build-if-stale.mjs with Node ${process.version}\n`,
  );
  utimesSync(join(root, STAMP), startedAt, startedAt);
  return true;
}

function main(args) {
  const rootIndex = args.indexOf('--root');
  const root = rootIndex >= 0 ? args[rootIndex + 1] : process.cwd();
  const reason = args.includes('--force') ? 'forced' : staleReason(root);
  if (args.includes('--check')) {
    console.log(reason ? `stale: ${reason}` : 'fresh');
    return reason ? 3 : 0;
  }
  if (!reason) {
    console.log('[build] dist/ is up to date; not rebuilding');
    return 0;
  }
  const startedAt = new Date();
  console.log(`[build] compiling with tsc (${reason})`);
  const built = build(root, startedAt);
  if (built === null) {
    // `npm ci --omit=dev` runs prepare too, without TypeScript: a deployment then ships a dist/
    // built elsewhere.
    console.error(
      '[build] TypeScript is not installed, so dist/ cannot be built here: run `npm install` ' +
        '(with dev dependencies), or copy in a dist/ built elsewhere',
    );
    return args.includes('--if-possible') ? 0 : 1;
  }
  if (!built) {
    console.error('[build] dist/ is not up to date');
    return 1;
  }
  console.log(
    `[build] done in ${((Date.now() - startedAt.getTime()) / 1000).toFixed(1)} s`,
  );
  return 0;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  process.exitCode = main(process.argv.slice(2));
}

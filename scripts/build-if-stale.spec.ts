import { spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const script = join(__dirname, 'build-if-stale.mjs');

/** Runs the script on the scratch project; its exit status and what it printed. */
function run(root: string, ...args: string[]) {
  const result = spawnSync(
    process.execPath,
    [script, '--root', root, ...args],
    {
      encoding: 'utf8',
    },
  );
  return { status: result.status, output: result.stdout + result.stderr };
}

/** Sets a path's mtime `seconds` before now. */
function age(path: string, seconds: number): void {
  const when = new Date(Date.now() - seconds * 1000);
  utimesSync(path, when, when);
}

describe('scripts/build-if-stale.mjs', () => {
  let root: string;

  /** A project built 10 s ago from sources last edited 20 s ago. */
  function builtProject(): void {
    mkdirSync(join(root, 'src', 'users'), { recursive: true });
    writeFileSync(join(root, 'src', 'main.ts'), 'export const main = 1;\n');
    writeFileSync(join(root, 'src', 'users', 'users.ts'), 'export {};\n');
    writeFileSync(join(root, 'tsconfig.build.json'), '{}\n');
    mkdirSync(join(root, 'dist', 'src'), { recursive: true });
    writeFileSync(join(root, 'dist', 'src', 'main.js'), '');
    writeFileSync(join(root, 'dist', '.build-stamp'), '');
    for (const path of [
      'src/users/users.ts',
      'src/users',
      'src/main.ts',
      'src',
      'tsconfig.build.json',
    ]) {
      age(join(root, path), 20);
    }
    age(join(root, 'dist', '.build-stamp'), 10);
  }

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'gatehouse-build-'));
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('is stale before the first build', () => {
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src', 'main.ts'), '');
    expect(run(root, '--check')).toEqual({
      status: 3,
      output: 'stale: no previous build\n',
    });
  });

  it('is fresh when nothing changed since the stamp', () => {
    builtProject();
    expect(run(root, '--check')).toEqual({ status: 0, output: 'fresh\n' });
  });

  it('is stale when dist/src/main.js is gone though the stamp is there', () => {
    builtProject();
    rmSync(join(root, 'dist', 'src', 'main.js'));
    expect(run(root, '--check').status).toBe(3);
  });

  it('names the edited source that makes it stale', () => {
    builtProject();
    age(join(root, 'src', 'users', 'users.ts'), 1);
    expect(run(root, '--check')).toEqual({
      status: 3,
      output: 'stale: src/users/users.ts changed since the last build\n',
    });
  });

  it('sees a deleted or added file through its directory', () => {
    builtProject();
    rmSync(join(root, 'src', 'users', 'users.ts'));
    expect(run(root, '--check')).toEqual({
      status: 3,
      output: 'stale: src/users changed since the last build\n',
    });
  });

  it('sees an edited tsconfig and a new web/ front end', () => {
    builtProject();
    age(join(root, 'tsconfig.build.json'), 1);
    expect(run(root, '--check').output).toContain('tsconfig.build.json');
    age(join(root, 'tsconfig.build.json'), 20);
    mkdirSync(join(root, 'web'));
    expect(run(root, '--check').output).toBe(
      'stale: web changed since the last build\n',
    );
  });

  it('ignores unit tests, which the build leaves out', () => {
    builtProject();
    const spec = join(root, 'src', 'users', 'users.spec.ts');
    writeFileSync(spec, '');
    age(join(root, 'src', 'users'), 20);
    expect(run(root, '--check').status).toBe(0);
  });

  it('builds with tsc when stale, not again when fresh, and drops outputs of removed sources', () => {
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src', 'main.ts'), 'export const answer = 42;\n');
    writeFileSync(
      join(root, 'tsconfig.build.json'),
      JSON.stringify({
        // No @types and a small lib: the test is about the script, not a slow tsc.
        compilerOptions: {
          outDir: 'dist',
          rootDir: '.',
          module: 'commonjs',
          types: [],
          lib: ['es2022'],
        },
        include: ['src/**/*.ts'],
      }),
    );
    writeFileSync(join(root, 'package.json'), '{}\n');
    symlinkSync(
      join(__dirname, '..', 'node_modules'),
      join(root, 'node_modules'),
    );

    const first = run(root);
    expect(first).toMatchObject({ status: 0 });
    expect(first.output).toContain('compiling with tsc (no previous build)');
    const main = join(root, 'dist', 'src', 'main.js');
    expect(existsSync(main)).toBe(true);
    const builtAt = statSync(main).mtimeMs;

    const second = run(root);
    expect(second).toEqual({
      status: 0,
      output: '[build] dist/ is up to date; not rebuilding\n',
    });
    expect(statSync(main).mtimeMs).toBe(builtAt);

    writeFileSync(join(root, 'dist', 'src', 'removed.js'), '');
    const forced = run(root, '--force');
    expect(forced.output).toContain('compiling with tsc (forced)');
    expect(existsSync(join(root, 'dist', 'src', 'removed.js'))).toBe(false);
    expect(existsSync(main)).toBe(true);
  });

  it('without TypeScript (npm ci --omit=dev), says so; prepare (--if-possible) carries on', () => {
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src', 'main.ts'), '');
    writeFileSync(join(root, 'package.json'), '{}\n');
    const prestart = run(root);
    expect(prestart.status).toBe(1);
    expect(prestart.output).toContain(
      'TypeScript is not installed, so dist/ cannot be built here',
    );
    expect(run(root, '--if-possible').status).toBe(0);
  });

  it('fails, and leaves no stamp, when tsc fails', () => {
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src', 'main.ts'), 'const x: number = "no";\n');
    writeFileSync(
      join(root, 'tsconfig.build.json'),
      JSON.stringify({
        include: ['src/**/*.ts'],
        compilerOptions: { outDir: 'dist', types: [], lib: ['es2022'] },
      }),
    );
    writeFileSync(join(root, 'package.json'), '{}\n');
    symlinkSync(
      join(__dirname, '..', 'node_modules'),
      join(root, 'node_modules'),
    );
    const result = run(root);
    expect(result.status).toBe(1);
    expect(result.output).toContain('tsc failed');
    expect(existsSync(join(root, 'dist', '.build-stamp'))).toBe(false);
  });

  describe('with a console in web/', () => {
    /** A built project whose build:web script writes web/dist/index.html, or fails. */
    function withConsole(buildWeb: string): void {
      builtProject();
      mkdirSync(join(root, 'web', 'dist'), { recursive: true });
      writeFileSync(join(root, 'web', 'index.html'), '<!doctype html>');
      age(join(root, 'web', 'index.html'), 20);
      writeFileSync(join(root, 'web', 'dist', 'index.html'), '<!doctype html>');
      age(join(root, 'web', 'dist', 'index.html'), 20);
      age(join(root, 'web', 'dist'), 20);
      age(join(root, 'web'), 20);
      writeFileSync(
        join(root, 'package.json'),
        JSON.stringify({ scripts: { 'build:web': buildWeb } }),
      );
    }

    /** Lets the scratch project really compile: a tsconfig and this repo's TypeScript. */
    function compilable(): void {
      writeFileSync(
        join(root, 'tsconfig.build.json'),
        JSON.stringify({
          include: ['src/**/*.ts'],
          compilerOptions: {
            outDir: 'dist',
            rootDir: '.',
            types: [],
            lib: ['es2022'],
          },
        }),
      );
      symlinkSync(
        join(__dirname, '..', 'node_modules'),
        join(root, 'node_modules'),
      );
    }

    it('is stale when the console was never built, though dist/ is', () => {
      withConsole('true');
      rmSync(join(root, 'web', 'dist'), { recursive: true });
      age(join(root, 'web'), 20);
      expect(run(root, '--check')).toEqual({
        status: 3,
        output: 'stale: no previous console build\n',
      });
    });

    it('runs build:web after tsc, and stamps only when both succeed', () => {
      withConsole(
        "node -e \"require('fs').writeFileSync('web/dist/built-by-test', '')\"",
      );
      compilable();
      const result = run(root, '--force');
      expect(result.status).toBe(0);
      expect(existsSync(join(root, 'web', 'dist', 'built-by-test'))).toBe(true);
      expect(existsSync(join(root, 'dist', '.build-stamp'))).toBe(true);
    });

    it('fails, with no stamp, when the console build fails', () => {
      withConsole('exit 7');
      compilable();
      const result = run(root, '--force');
      expect(result.status).toBe(1);
      expect(result.output).toContain(
        'console build (npm run build:web) failed',
      );
      expect(existsSync(join(root, 'dist', '.build-stamp'))).toBe(false);
    });
  });
});

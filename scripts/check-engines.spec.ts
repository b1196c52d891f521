import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const script = join(__dirname, 'check-engines.mjs');

describe('scripts/check-engines.mjs', () => {
  let root: string;

  function project(declared: string, locked: Record<string, string>): void {
    writeFileSync(
      join(root, 'package.json'),
      JSON.stringify({ engines: { node: declared } }),
    );
    const packages: Record<string, unknown> = { '': {} };
    for (const [name, wanted] of Object.entries(locked)) {
      packages[`node_modules/${name}`] = {
        version: '1.0.0',
        engines: { node: wanted },
      };
    }
    writeFileSync(
      join(root, 'package-lock.json'),
      JSON.stringify({ packages }),
    );
  }

  function run() {
    const result = spawnSync(process.execPath, [script, '--root', root], {
      encoding: 'utf8',
    });
    return { status: result.status, output: result.stdout + result.stderr };
  }

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'gatehouse-engines-'));
    symlinkSync(
      join(__dirname, '..', 'node_modules'),
      join(root, 'node_modules'),
    );
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('passes when every locked package accepts the lowest declared versions', () => {
    project('^20.19.0 || >=22.12', { a: '>=18', b: '^20.17.0 || >=22' });
    const result = run();
    expect(result.status).toBe(0);
    expect(result.output).toContain('holds for Node');
    expect(result.output).toContain('20.19.0, 22.12.0');
  });

  it('names each package that wants more than a declared range gives', () => {
    project('^20.19.0 || >=22.12', { a: '>=18', 'file-type': '>=22' });
    const result = run();
    expect(result.status).toBe(1);
    expect(result.output).toContain(
      'file-type@1.0.0 wants node >=22, not 20.19.0',
    );
    expect(result.output).not.toContain('a@1.0.0');
  });

  it('fails when the running Node is outside the declared range', () => {
    project('>=99', {});
    expect(run()).toMatchObject({
      status: 1,
      output: expect.stringContaining(
        `the running Node ${process.version.slice(1)} is outside ">=99"`,
      ),
    });
  });
});

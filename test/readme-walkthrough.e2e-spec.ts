import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from './support/db';
import {
  fieldOf,
  parseWalkthrough,
  type WalkthroughStep,
} from './support/readme-walkthrough';
import {
  freePort,
  type ServerProcess,
  startServer,
  waitUntilUp,
} from './support/server-process';

/**
 * The README's walkthrough, run as a reader runs it: in order, on a fresh server started the way
 * the README starts it, each placeholder filled from the answer the README names, each answer
 * checked against the README's own comments. Only `localhost:3000` is rewritten.
 */
const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
const walkthrough = parseWalkthrough(readme);

const hasCurl =
  spawnSync('bash', ['-c', 'command -v curl'], { stdio: 'ignore' }).status ===
  0;
const describeIfCurl = hasCurl ? describe : describe.skip;
const pythonCheck = spawnSync('python3', ['-c', 'import requests'], {
  stdio: 'ignore',
});
const pythonMissing =
  pythonCheck.status === 0
    ? null
    : 'skipped: no python3 with requests (apt-get install python3-requests)';

jest.setTimeout(120_000);

describeIfCurl(
  `the README walkthrough${hasCurl ? '' : ' (skipped: no bash with curl on PATH: apt-get install curl)'}`,
  () => {
    let server: ServerProcess;
    let database: TestDatabase;
    let dataDir: string;
    let workDir: string;
    let address: string;
    /** The placeholders filled so far, as the reader's shell holds them. */
    const variables: Record<string, string> = {};
    let lastAnswer: { status: number; body: string } | null = null;

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-readme-'));
      // The cookie jar and the python script live here, as in the reader's working directory.
      workDir = mkdtempSync(join(tmpdir(), 'gatehouse-readme-cwd-'));
      database = await createTestDatabase();
      const port = await freePort();
      address = `127.0.0.1:${port}`;
      const redisUrl = process.env.REDIS_URL;
      server = startServer(
        {
          ...walkthrough.startEnv,
          DATA_DIR: dataDir,
          // Cheaper hashing only; every rule the walkthrough meets is the default one.
          BCRYPT_COST: '4',
          LOG_LEVEL: 'warn',
          ...database.env,
          ...(redisUrl
            ? {
                REDIS_URL: redisUrl,
                REDIS_KEY_PREFIX: `gatehouse-readme-${randomBytes(6).toString('hex')}:`,
              }
            : {}),
        },
        port,
      );
      await waitUntilUp(server);
    });

    afterAll(async () => {
      if (server) {
        server.child.kill('SIGTERM');
        await server.exited;
      }
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(workDir, { recursive: true, force: true });
    });

    it('starts the server as the README does, with its admin', () => {
      expect(walkthrough.startEnv).toMatchObject({
        ADMIN_USERNAME: expect.any(String),
        ADMIN_PASSWORD: expect.any(String),
      });
      expect(walkthrough.blocks.length).toBeGreaterThan(1);
    });

    for (const block of walkthrough.blocks) {
      if (block.language === 'python') {
        const title = `README.md:${block.line}: the python snippet prints what its comments say`;
        if (pythonMissing) {
          it.skip(`${title} (${pythonMissing})`, () => undefined);
          continue;
        }
        it(title, () => {
          const script = join(workDir, 'walkthrough.py');
          writeFileSync(script, rewrite(block.source));
          const run = spawnSync('python3', [script], {
            cwd: workDir,
            env: cleanEnv(),
            encoding: 'utf8',
            timeout: 30_000,
          });
          const context = `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
          expect({ exit: run.status, context }).toEqual({ exit: 0, context });
          expect(block.expectedOutput.length).toBeGreaterThan(0);
          const printed = run.stdout.split('\n');
          let from = 0;
          for (const expected of block.expectedOutput) {
            const at = printed.indexOf(expected, from);
            expect({ expected, printed: at >= 0 ? expected : printed }).toEqual(
              {
                expected,
                printed: expected,
              },
            );
            from = at + 1;
          }
        });
        continue;
      }
      for (const step of block.steps) {
        it(title(step), () => {
          if (step.kind === 'placeholder') {
            expect(lastAnswer).not.toBeNull();
            const value = fieldOf(parse(lastAnswer?.body ?? ''), step.field);
            expect({ field: step.field, value }).toEqual({
              field: step.field,
              value: expect.any(String),
            });
            variables[step.name] = value as string;
            return;
          }
          const answer = runCommand(step.command);
          lastAnswer = answer;
          const context = `README.md:${step.line}: ${step.command}\nanswered ${answer.status}: ${answer.body}`;
          if (step.expectedStatus !== null) {
            expect({ status: answer.status, context }).toEqual({
              status: step.expectedStatus,
              context,
            });
          } else {
            expect({
              success: answer.status >= 200 && answer.status < 300,
              context,
            }).toEqual({
              success: true,
              context,
            });
          }
          if (step.expectedJson !== undefined) {
            expect(parse(answer.body)).toMatchObject(
              step.expectedJson as object,
            );
          }
        });
      }
    }

    function runCommand(command: string): { status: number; body: string } {
      // A variable the reader has not been told to set yet would expand to nothing and hide the
      // mistake (a 401 from an empty key looks like the 401 the README promises).
      for (const [, name] of command.matchAll(/\$\{?([A-Z][A-Z0-9_]*)/g)) {
        if (!(name in variables)) {
          throw new Error(
            `${command}\nuses $${name} before the README sets it`,
          );
        }
      }
      // The reader's curl, plus the status after the body so the test can check it.
      const prelude = `curl() { command curl --max-time 20 -w '\\n%{http_code}' "$@"; }\n`;
      const run = spawnSync('bash', ['-c', prelude + rewrite(command)], {
        cwd: workDir,
        env: { ...cleanEnv(), ...variables },
        encoding: 'utf8',
        timeout: 30_000,
      });
      if (run.status !== 0) {
        throw new Error(
          `${command}\nexited ${run.status}: ${run.stderr}${run.stdout}`,
        );
      }
      const end = run.stdout.lastIndexOf('\n');
      return {
        status: Number(run.stdout.slice(end + 1)),
        body: run.stdout.slice(0, end),
      };
    }

    function rewrite(text: string): string {
      return text.replaceAll('localhost:3000', address);
    }
  },
);

function title(step: WalkthroughStep): string {
  return step.kind === 'placeholder'
    ? `README.md:${step.line}: ${step.name} is the ${step.field} of the answer`
    : `README.md:${step.line}: ${step.command.slice(0, 100)}`;
}

function parse(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/** No proxy, no ambient credentials: only what the command itself says. */
function cleanEnv(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: tmpdir(),
    LANG: 'C.UTF-8',
  };
}

describe(parseWalkthrough.name, () => {
  const sample = [
    '<!-- walkthrough: start -->',
    '',
    '```sh',
    "ADMIN_USERNAME=root ADMIN_PASSWORD='two words' npm start",
    '```',
    '',
    '<!-- walkthrough -->',
    '```sh',
    '# a comment line',
    'curl -s localhost:3000/api/x -d \'{"a":"# not a comment"}\' \\',
    '  -H "x: y"   # {"message":"hi"}',
    'TOKEN=...   # user.id from the answer',
    'curl -s localhost:3000/api/y   # 401: refused',
    '```',
    '',
    '```sh',
    'curl not-marked',
    '```',
    '<!-- walkthrough -->',
    '```python',
    "print('a # b')  # a # b",
    'x = 1  # not printed',
    '```',
  ].join('\n');

  it('reads the start environment, commands, expectations and placeholders, in order', () => {
    const parsed = parseWalkthrough(sample);
    expect(parsed.startEnv).toEqual({
      ADMIN_USERNAME: 'root',
      ADMIN_PASSWORD: 'two words',
    });
    expect(parsed.blocks).toEqual([
      {
        language: 'sh',
        line: 9,
        steps: [
          {
            kind: 'command',
            line: 10,
            command:
              'curl -s localhost:3000/api/x -d \'{"a":"# not a comment"}\' -H "x: y"',
            expectedStatus: null,
            expectedJson: { message: 'hi' },
          },
          { kind: 'placeholder', line: 12, name: 'TOKEN', field: 'user.id' },
          {
            kind: 'command',
            line: 13,
            command: 'curl -s localhost:3000/api/y',
            expectedStatus: 401,
            expectedJson: undefined,
          },
        ],
      },
      {
        language: 'python',
        line: 21,
        source: "print('a # b')  # a # b\nx = 1  # not printed",
        expectedOutput: ['a # b'],
      },
    ]);
  });

  it('refuses an expected answer that is not JSON, and a placeholder that names no field', () => {
    const start = '<!-- walkthrough: start -->\n```sh\nnpm start\n```\n';
    expect(() =>
      parseWalkthrough(
        `${start}<!-- walkthrough -->\n\`\`\`sh\ncurl x   # {"user":…}\n\`\`\`\n`,
      ),
    ).toThrow('must be JSON');
    expect(() =>
      parseWalkthrough(
        `${start}<!-- walkthrough -->\n\`\`\`sh\nTOKEN=...   # the token\n\`\`\`\n`,
      ),
    ).toThrow('needs a comment "# <field> from the answer"');
  });

  it('reads the field a placeholder names from a JSON answer', () => {
    const answer = { user: { id: 'u1' }, items: [{ id: 'i1' }] };
    expect(fieldOf(answer, 'user.id')).toBe('u1');
    expect(fieldOf(answer, 'items.0.id')).toBe('i1');
    expect(fieldOf(answer, 'user.name')).toBeUndefined();
  });
});

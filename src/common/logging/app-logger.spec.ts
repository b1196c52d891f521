import { ConsoleLogger } from '@nestjs/common';
import { runInFreshProcess } from '../../../test/support/fresh-process';
import { createAppLogger } from './app-logger';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** What each stream was given, write by write, while `capture` is on. */
function captureStreams() {
  const writes: { stream: 'stdout' | 'stderr'; chunk: string }[] = [];
  const spies = (['stdout', 'stderr'] as const).map((stream) =>
    jest.spyOn(process[stream], 'write').mockImplementation((chunk) => {
      writes.push({ stream, chunk: String(chunk) });
      return true;
    }),
  );
  return {
    writes,
    restore: () => spies.forEach((spy) => spy.mockRestore()),
  };
}

function withoutTimestamp(line: string): unknown {
  const parsed = JSON.parse(line) as Record<string, unknown>;
  expect(parsed.timestamp).toEqual(expect.any(Number));
  delete parsed.timestamp;
  return parsed;
}

describe('createAppLogger', () => {
  let streams: ReturnType<typeof captureStreams>;
  beforeEach(() => {
    streams = captureStreams();
  });
  afterEach(() => streams.restore());

  it.each<[string, unknown]>([
    [
      'a request line',
      { msg: 'request', status: 200, user_id: null, ok: true },
    ],
    ['a string', 'listening on http://127.0.0.1:3000'],
    ['an object two levels deep', { msg: 'x', nested: { deeper: { a: 1 } } }],
    ['an array', [1, 'two', null]],
    ['a bigint', { msg: 'big', count: 10n }],
    ['a Map', { msg: 'map', entries: new Map([['a', 1]]) }],
    ['an undefined field', { msg: 'gap', missing: undefined }],
    ['a string past Nest’s limit', { msg: 'x'.repeat(1_100_000) }],
  ])('writes %s as Nest’s JSON console logger does', async (_, message) => {
    new ConsoleLogger({ json: true }).log(message, 'HTTP');
    const [nest] = streams.writes.splice(0);
    createAppLogger('log').log(message, 'HTTP');
    await nextTurn();
    expect(streams.writes).toHaveLength(1);
    expect(streams.writes[0].stream).toBe('stdout');
    expect(streams.writes[0].chunk.endsWith('\n')).toBe(true);
    expect(withoutTimestamp(streams.writes[0].chunk)).toEqual(
      withoutTimestamp(nest.chunk),
    );
  });

  it('keeps a stdout line for the next turn', async () => {
    createAppLogger('log').log({ msg: 'request' });
    expect(streams.writes).toEqual([]);
    await nextTurn();
    expect(streams.writes).toHaveLength(1);
  });

  it('writes an error with its stack as Nest’s JSON console logger does', () => {
    const error = new Error('the database is down');
    new ConsoleLogger({ json: true }).error(error, 'Db');
    const [nest] = streams.writes.splice(0);
    createAppLogger('log').error(error, 'Db');
    expect(streams.writes).toHaveLength(1);
    expect(streams.writes[0].stream).toBe('stderr');
    expect(withoutTimestamp(streams.writes[0].chunk)).toEqual(
      withoutTimestamp(nest.chunk),
    );
  });

  it('writes an error to stderr at once, after the stdout lines logged before it', () => {
    const logger = createAppLogger('log');
    logger.log({ msg: 'first' });
    logger.error({ msg: 'second' });
    expect(streams.writes.map(({ stream }) => stream)).toEqual([
      'stdout',
      'stderr',
    ]);
    expect(JSON.parse(streams.writes[0].chunk)).toMatchObject({
      level: 'log',
      message: { msg: 'first' },
    });
    expect(JSON.parse(streams.writes[1].chunk)).toMatchObject({
      level: 'error',
      message: { msg: 'second' },
    });
  });

  it('writes nothing below its level', async () => {
    const logger = createAppLogger('warn');
    logger.log({ msg: 'request' });
    logger.debug({ msg: 'detail' });
    await nextTurn();
    expect(streams.writes).toEqual([]);
  });
});

describe('createAppLogger in a process that exits before the next turn', () => {
  it('still writes the lines it was given', () => {
    const child = runInFreshProcess(
      `const { createAppLogger } = require('./src/common/logging/app-logger');
       createAppLogger('log').log({ msg: 'last words' });
       process.exit(0);`,
    );
    expect(child.status).toBe(0);
    expect(child.stdout).toContain('"message":{"msg":"last words"}');
  });
});

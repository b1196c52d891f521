import { readOptions, requestLineOn } from './options';

describe('bench options: the log level', () => {
  it('measures the servers at their default level, request line on, unless told otherwise', () => {
    expect(readOptions({}).logLevel).toBe('log');
    expect(readOptions({ BENCH_LOG_LEVEL: 'warn' }).logLevel).toBe('warn');
  });

  it.each([
    ['log', true],
    ['debug', true],
    ['verbose', true],
    ['warn', false],
    ['error', false],
    ['fatal', false],
  ])('at %s, the request line is on: %s', (level, on) => {
    expect(requestLineOn(level)).toBe(on);
  });
});

import { UnauthorizedException } from '@nestjs/common';
import { withoutStackTrace } from './without-stack-trace';

describe('withoutStackTrace', () => {
  it('builds the exception with its message but no stack frames', () => {
    const error = withoutStackTrace(
      () => new UnauthorizedException('Authentication required'),
    );
    expect(error).toBeInstanceOf(UnauthorizedException);
    expect(error.message).toBe('Authentication required');
    expect(error.stack ?? '').not.toMatch(/\n\s+at /);
  });

  it('leaves stack traces on for every other error, even when building one throws', () => {
    expect(() =>
      withoutStackTrace(() => {
        throw new Error('while building');
      }),
    ).toThrow('while building');
    expect(new Error('later').stack).toMatch(/\n\s+at /);
  });
});

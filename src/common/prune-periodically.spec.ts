import type { Logger } from '@nestjs/common';
import { prunePeriodically } from './prune-periodically';

describe(prunePeriodically.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('prunes every interval, logs a failure by what it prunes, and carries on', async () => {
    const warn = jest.fn();
    const logger = { warn } as unknown as Logger;
    const prune = jest
      .fn<Promise<unknown>, []>()
      .mockRejectedValueOnce(new Error('database is locked'))
      .mockResolvedValue(undefined);
    const timer = prunePeriodically(logger, 'expired things', prune, 1000);
    try {
      expect(timer.hasRef()).toBe(false);
      await jest.advanceTimersByTimeAsync(999);
      expect(prune).not.toHaveBeenCalled();
      await jest.advanceTimersByTimeAsync(1);
      expect(warn).toHaveBeenCalledWith({
        msg: 'pruning expired things failed',
        error: 'database is locked',
      });
      await jest.advanceTimersByTimeAsync(1000);
      expect(prune).toHaveBeenCalledTimes(2);
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      clearInterval(timer);
    }
  });
});

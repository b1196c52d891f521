import { formatPeriod, formatWait, lastDays, retryMessage } from './format';

describe(formatWait.name, () => {
  it.each([
    [0, 'in 1 second'],
    [1, 'in 1 second'],
    [44.2, 'in 45 seconds'],
    [60, 'in 1 minute'],
    [61, 'in 2 minutes'],
    [900, 'in 15 minutes'],
    [3600, 'in 1 hour'],
    [3601, 'in 2 hours'],
  ])('says %s seconds as "%s", rounding up', (seconds, expected) => {
    expect(formatWait(seconds)).toBe(expected);
  });
});

describe(retryMessage.name, () => {
  it('says when to try again, or only to wait when the server did not say', () => {
    expect(retryMessage(120)).toBe(
      'Too many attempts. Try again in 2 minutes.',
    );
    expect(retryMessage(null)).toBe(
      'Too many attempts. Please wait before trying again.',
    );
  });
});

describe(lastDays.name, () => {
  it('lists the UTC days ending today, oldest first, across a month end', () => {
    expect(lastDays(3, new Date('2025-03-01T23:30:00Z'))).toEqual([
      '2025-02-27',
      '2025-02-28',
      '2025-03-01',
    ]);
    expect(lastDays(30, new Date('2025-03-01T00:00:00Z'))).toHaveLength(30);
  });
});

describe(formatPeriod.name, () => {
  it('names the usual windows and counts the others in seconds', () => {
    expect(formatPeriod(86400)).toBe('day');
    expect(formatPeriod(60)).toBe('minute');
    expect(formatPeriod(90)).toBe('90 seconds');
  });
});

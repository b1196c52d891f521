import { BadRequestException } from '@nestjs/common';
import { isDay, resolveDayRange, UtcDayClock, utcDay } from './usage-range';

describe(resolveDayRange.name, () => {
  const now = new Date('2025-03-10T23:30:00Z');

  it('defaults to the 30 days ending today (UTC), both ends inclusive', () => {
    expect(resolveDayRange(undefined, undefined, now)).toEqual({
      from: '2025-02-09',
      to: '2025-03-10',
    });
  });

  it('ends a range given only its end 29 days earlier', () => {
    expect(resolveDayRange(undefined, '2024-03-01', now)).toEqual({
      from: '2024-02-01',
      to: '2024-03-01',
    });
  });

  it('runs a range given only its start to today', () => {
    expect(resolveDayRange('2025-03-01', undefined, now)).toEqual({
      from: '2025-03-01',
      to: '2025-03-10',
    });
  });

  it('accepts a single day and 366 days, refuses 367', () => {
    expect(resolveDayRange('2025-01-01', '2025-01-01', now)).toEqual({
      from: '2025-01-01',
      to: '2025-01-01',
    });
    expect(resolveDayRange('2024-01-01', '2024-12-31', now).to).toBe(
      '2024-12-31',
    );
    expect(() => resolveDayRange('2024-01-01', '2025-01-01', now)).toThrow(
      'from and to must span at most 366 days',
    );
  });

  it('refuses from after to, naming both', () => {
    expect(() => resolveDayRange('2025-01-02', '2025-01-01', now)).toThrow(
      new BadRequestException('from must not be after to'),
    );
  });

  it('refuses a start more than a year before today when to is left out', () => {
    expect(() => resolveDayRange('2020-01-01', undefined, now)).toThrow(
      BadRequestException,
    );
  });
});

describe(isDay.name, () => {
  it('takes YYYY-MM-DD days that exist', () => {
    expect(isDay('2024-02-29')).toBe(true);
    expect(isDay('2025-12-31')).toBe(true);
  });

  it('refuses impossible days, other forms and non-strings', () => {
    for (const value of [
      '2025-02-29',
      '2025-13-01',
      '2025-1-01',
      '2025-01-01T00:00:00Z',
      'yesterday',
      '',
      20250101,
      undefined,
    ]) {
      expect(isDay(value)).toBe(false);
    }
  });
});

describe(utcDay.name, () => {
  it('is the UTC calendar day, whatever the local time zone', () => {
    expect(utcDay(new Date('2025-01-01T23:59:59.999Z'))).toBe('2025-01-01');
    expect(utcDay(new Date('2025-01-02T00:30:00+02:00'))).toBe('2025-01-01');
  });
});

describe(UtcDayClock.name, () => {
  it('names the UTC day of each instant, across midnights, forwards and back', () => {
    const clock = new UtcDayClock();
    const instants = [
      '2025-03-10T00:00:00.000Z',
      '2025-03-10T23:59:59.999Z',
      '2025-03-11T00:00:00.000Z',
      '2025-03-10T12:00:00.000Z',
      '2024-02-29T23:59:59.999Z',
      '1969-12-31T23:59:59.999Z',
      '1970-01-01T00:00:00.000Z',
    ];
    for (const instant of instants) {
      const at = new Date(instant);
      expect(clock.dayOf(at.getTime())).toBe(utcDay(at));
    }
  });
});

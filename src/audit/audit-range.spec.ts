import { BadRequestException } from '@nestjs/common';
import { auditTimeRange } from './audit-range';

describe(auditTimeRange.name, () => {
  it('takes a date as its whole UTC day, both ends inclusive', () => {
    expect(auditTimeRange('2025-01-01', '2025-01-31')).toEqual({
      from: new Date('2025-01-01T00:00:00Z'),
      before: new Date('2025-02-01T00:00:00Z'),
    });
  });

  it('takes instants as given, to included, and reads one without offset as UTC', () => {
    expect(
      auditTimeRange('2025-01-01T10:00:00+02:00', '2025-01-01T12:00:00'),
    ).toEqual({
      from: new Date('2025-01-01T08:00:00Z'),
      before: new Date('2025-01-01T12:00:00.001Z'),
    });
  });

  it('leaves out the ends not given', () => {
    expect(auditTimeRange(undefined, undefined)).toEqual({
      from: undefined,
      before: undefined,
    });
  });

  it('refuses from after to', () => {
    expect(() => auditTimeRange('2025-01-02', '2025-01-01')).toThrow(
      new BadRequestException('from must not be after to'),
    );
    expect(auditTimeRange('2025-01-01', '2025-01-01').before).toEqual(
      new Date('2025-01-02T00:00:00Z'),
    );
  });
});

import { BadRequestException } from '@nestjs/common';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const HAS_OFFSET = /(Z|[+-]\d{2}(:?\d{2})?)$/i;

/**
 * `from`/`to` of the audit filter, both inclusive, as a half-open interval: a date alone means
 * that whole UTC day, an instant without an offset is UTC. The inputs are already ISO 8601
 * (validated by the DTO).
 */
export function auditTimeRange(
  from: string | undefined,
  to: string | undefined,
): { from?: Date; before?: Date } {
  const start = from === undefined ? undefined : instant(from);
  let before: Date | undefined;
  if (to !== undefined) {
    const end = instant(to);
    before = new Date(end.getTime() + (DATE_ONLY.test(to) ? 86_400_000 : 1));
  }
  if (start && before && start >= before) {
    throw new BadRequestException('from must not be after to');
  }
  return { from: start, before };
}

function instant(value: string): Date {
  if (DATE_ONLY.test(value)) {
    return new Date(`${value}T00:00:00Z`);
  }
  return new Date(HAS_OFFSET.test(value) ? value : `${value}Z`);
}

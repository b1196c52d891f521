import { BadRequestException } from '@nestjs/common';

/**
 * 400 unless exactly one of `fields` was sent: an answer that carries two factors would leave
 * it unclear which one was checked (and which one failed).
 */
export function requireExactlyOne(
  body: object,
  fields: readonly string[],
): void {
  const sent = fields.filter(
    (field) => (body as Record<string, unknown>)[field] !== undefined,
  );
  if (sent.length !== 1) {
    throw new BadRequestException(
      `Send exactly one of ${fields.join(', ')}` +
        (sent.length > 1 ? ` (got ${sent.join(' and ')})` : ''),
    );
  }
}

import type { ValidationArguments } from 'class-validator';

/** The one wording for a field that was not sent (or sent as null), on every route. */
export function fieldRequired(field: string): string {
  return `${field} is required: send it as a string in a JSON or form body`;
}

/**
 * A class-validator `message` for a rule of a required string field: `fieldRequired` when the
 * value is missing, "must be a string" for any other non-string, else the rule's own `problem`.
 * Every rule of the field then says the same of a missing value, and the filter shows each
 * text once, so a missing password reads the same on login, session and register.
 */
export function unlessMissing(
  problem: string,
): (args: ValidationArguments) => string {
  return ({ property, value }) =>
    value === undefined || value === null
      ? fieldRequired(property)
      : typeof value !== 'string'
        ? `${property} must be a string`
        : `${property} ${problem}`;
}

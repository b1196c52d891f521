// What a refused form submission shows, and where: the form logic behind useForm, kept free of
// React so it can be tested as plain functions.
import { ApiError, errorText, fieldErrors } from './api';
import { retryMessage } from './format';

export type FieldErrors<F extends string> = Partial<Record<F, string[]>>;

export interface FormErrors<F extends string> {
  /** Messages shown next to the field they name (`aria-describedby`). */
  byField: FieldErrors<F>;
  /** The rest, shown for the whole form; null when every message found its field. */
  form: string | null;
}

export interface ErrorRules {
  /** Statuses whose messages name fields (validation 400; 409 for a taken username or email). */
  fieldStatuses?: readonly number[];
  /** Say when to try again on a 429 (a locked-out sign-in) rather than the server's words. */
  retryAfter?: boolean;
}

/** Sorts a failed submission's error into field messages and one form-level message. */
export function formErrors<F extends string>(
  error: unknown,
  fields: readonly F[],
  { fieldStatuses = [400], retryAfter = false }: ErrorRules = {},
): FormErrors<F> {
  if (retryAfter && error instanceof ApiError && error.status === 429) {
    return { byField: {}, form: retryMessage(error.retryAfterSeconds) };
  }
  if (error instanceof ApiError && fieldStatuses.includes(error.status)) {
    const sorted = fieldErrors(error.messages, fields);
    return { byField: sorted.byField, form: sorted.other.join(' ') || null };
  }
  return { byField: {}, form: errorText(error) };
}

import { type ChangeEvent, type FormEvent, useRef, useState } from 'react';
import {
  type ErrorRules,
  type FieldErrors,
  type FormErrors,
  formErrors,
} from '../form';

export interface FormOptions<F extends string> extends ErrorRules {
  /** A form's own reading of an error, tried first; null falls back to formErrors. */
  mapError?: (error: unknown) => FormErrors<F> | null;
}

export interface Form<F extends string> {
  values: Record<F, string>;
  /** Props for <Field>: name, value, onChange and the API's messages for this field. */
  bind: (field: F) => {
    name: F;
    value: string;
    errors: string[] | undefined;
    onChange: (event: ChangeEvent<HTMLInputElement>) => void;
  };
  set: (field: F, value: string) => void;
  /** Back to the first values (a changed password is not kept on screen). */
  reset: () => void;
  errors: FieldErrors<F>;
  formError: string | null;
  /** What a successful submit said, if anything (shown with role="status"). */
  notice: string | null;
  busy: boolean;
  onSubmit: (event: FormEvent) => void;
}

/**
 * The plumbing every console form shares: its values, the API's messages next to the fields they
 * name and the rest for the form, and a busy flag while `submit` runs. `submit` may return a
 * notice to show on success; whatever it throws is sorted by formErrors (or `mapError`).
 */
export function useForm<F extends string>(
  initial: Record<F, string>,
  submit: (
    values: Record<F, string>,
    form: { reset: () => void; set: (field: F, value: string) => void },
  ) => Promise<string | void>,
  options: FormOptions<F> = {},
): Form<F> {
  const first = useRef(initial);
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<FieldErrors<F>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const set = (field: F, value: string) =>
    setValues((previous) => ({ ...previous, [field]: value }));
  const reset = () => setValues(first.current);

  async function run() {
    setBusy(true);
    setErrors({});
    setFormError(null);
    setNotice(null);
    try {
      setNotice((await submit(values, { reset, set })) ?? null);
    } catch (error) {
      const sorted =
        options.mapError?.(error) ??
        formErrors(error, Object.keys(first.current) as F[], options);
      setErrors(sorted.byField);
      setFormError(sorted.form);
    } finally {
      // After a sign-in the page is gone already; React ignores this then.
      setBusy(false);
    }
  }

  return {
    values,
    bind: (field) => ({
      name: field,
      value: values[field],
      errors: errors[field],
      onChange: (event) => set(field, event.target.value),
    }),
    set,
    reset,
    errors,
    formError,
    notice,
    busy,
    onSubmit: (event) => {
      event.preventDefault();
      void run();
    },
  };
}

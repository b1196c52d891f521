import { type FormEvent, useState } from 'react';
import { api, ApiError, fieldErrors, type User } from '../api';
import { Field, Link, PageTitle, errorText } from '../components/ui';
import { retryMessage } from '../format';

const FIELDS = [
  'username',
  'password',
  'email',
  'first_name',
  'last_name',
] as const;
type SignUpField = (typeof FIELDS)[number];

interface Registered {
  access_token: string;
  refresh_token: string;
}

export function SignUpPage({
  onSignedIn,
}: {
  onSignedIn: (user: User) => void;
}) {
  const [form, setForm] = useState<Record<SignUpField, string>>({
    username: '',
    password: '',
    email: '',
    first_name: '',
    last_name: '',
  });
  const [errors, setErrors] = useState<Partial<Record<SignUpField, string[]>>>(
    {},
  );
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setFormError(null);
    const body: Partial<Record<SignUpField, string>> = {};
    for (const field of FIELDS) {
      if (
        form[field].trim() !== '' ||
        field === 'username' ||
        field === 'password'
      ) {
        body[field] = form[field];
      }
    }
    try {
      const registered = await api.post<Registered>('/api/register', body, {
        expectUnauthorized: true,
      });
      // The console works with a cookie session: sign in, and revoke the token pair that
      // registering issued, which this page has no use for.
      const user = await api.signIn(form.username, form.password);
      await api
        .post(
          '/api/logout',
          { refresh_token: registered.refresh_token },
          {
            headers: { authorization: `Bearer ${registered.access_token}` },
            expectUnauthorized: true,
          },
        )
        .catch(() => undefined);
      onSignedIn(user);
    } catch (error) {
      setBusy(false);
      if (error instanceof ApiError && error.status === 429) {
        setFormError(retryMessage(error.retryAfterSeconds));
      } else if (
        error instanceof ApiError &&
        (error.status === 400 || error.status === 409)
      ) {
        const sorted = fieldErrors(error.messages, FIELDS);
        setErrors(sorted.byField);
        setFormError(sorted.other.join(' ') || null);
      } else {
        setFormError(errorText(error));
      }
    }
  }

  const bind = (field: SignUpField) => ({
    name: field,
    value: form[field],
    errors: errors[field],
    onChange: (event: React.ChangeEvent<HTMLInputElement>) =>
      setForm((previous) => ({ ...previous, [field]: event.target.value })),
  });

  return (
    <section className="narrow">
      <PageTitle>Create an account</PageTitle>
      <form onSubmit={(event) => void submit(event)} noValidate>
        {formError && (
          <p className="notice error" role="alert">
            {formError}
          </p>
        )}
        <Field
          label="Username"
          autoComplete="username"
          hint="3 to 32 characters: a-z, 0-9, dot, underscore or dash."
          required
          {...bind('username')}
        />
        <Field
          label="Password"
          type="password"
          autoComplete="new-password"
          hint="At least 8 characters."
          required
          {...bind('password')}
        />
        <Field
          label="Email (optional)"
          type="email"
          autoComplete="email"
          {...bind('email')}
        />
        <Field
          label="First name (optional)"
          autoComplete="given-name"
          {...bind('first_name')}
        />
        <Field
          label="Last name (optional)"
          autoComplete="family-name"
          {...bind('last_name')}
        />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create account'}
        </button>
      </form>
      <p>
        Already have an account? <Link href="/sign-in">Sign in</Link>.
      </p>
    </section>
  );
}

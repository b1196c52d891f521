import { type FormEvent, useState } from 'react';
import { api, ApiError, fieldErrors, type User } from '../api';
import { Field, Link, PageTitle, errorText } from '../components/ui';
import { retryMessage } from '../format';

type SignInField = 'username' | 'password';

export function SignInPage({
  onSignedIn,
}: {
  onSignedIn: (user: User) => void;
}) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Partial<Record<SignInField, string[]>>>(
    {},
  );
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setFormError(null);
    try {
      onSignedIn(await api.signIn(username, password));
    } catch (error) {
      setBusy(false);
      if (error instanceof ApiError && error.status === 429) {
        setFormError(retryMessage(error.retryAfterSeconds));
      } else if (error instanceof ApiError && error.status === 400) {
        const sorted = fieldErrors(error.messages, ['username', 'password']);
        setErrors(sorted.byField);
        setFormError(sorted.other.join(' ') || null);
      } else {
        setFormError(errorText(error));
      }
    }
  }

  return (
    <section className="narrow">
      <PageTitle>Sign in</PageTitle>
      <form onSubmit={(event) => void submit(event)} noValidate>
        {formError && (
          <p className="notice error" role="alert">
            {formError}
          </p>
        )}
        <Field
          label="Username"
          name="username"
          autoComplete="username"
          value={username}
          onChange={(event) => setUsername(event.target.value)}
          errors={errors.username}
          required
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          errors={errors.password}
          required
        />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p>
        No account yet? <Link href="/sign-up">Create one</Link>.
      </p>
    </section>
  );
}

import { api, type User } from '../api';
import { Field, Link, PageTitle } from '../components/ui';
import { useForm } from '../components/use-form';

export function SignInPage({
  onSignedIn,
}: {
  onSignedIn: (user: User) => void;
}) {
  const form = useForm(
    { username: '', password: '' },
    async ({ username, password }) => {
      onSignedIn(await api.signIn(username, password));
    },
    { retryAfter: true },
  );

  return (
    <section className="narrow">
      <PageTitle>Sign in</PageTitle>
      <form onSubmit={form.onSubmit} noValidate>
        {form.formError && (
          <p className="notice error" role="alert">
            {form.formError}
          </p>
        )}
        <Field
          label="Username"
          autoComplete="username"
          required
          {...form.bind('username')}
        />
        <Field
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          {...form.bind('password')}
        />
        <button type="submit" className="primary" disabled={form.busy}>
          {form.busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p>
        No account yet? <Link href="/sign-up">Create one</Link>.
      </p>
    </section>
  );
}

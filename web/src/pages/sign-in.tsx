import { api, type User } from '../api';
import { Field, Link, PageTitle } from '../components/ui';
import { useForm } from '../components/use-form';

export function SignInPage({
  onSignedIn,
}: {
  onSignedIn: (user: User) => void;
}) {
  return (
    <section className="narrow">
      <PageTitle>Sign in</PageTitle>
      <SignInForm onSignedIn={onSignedIn} />
      <p>
        No account yet? <Link href="/sign-up">Create one</Link>.
      </p>
    </section>
  );
}

/** The sign-in form alone, for pages that sign in in place (the OAuth authorization page). */
export function SignInForm({
  onSignedIn,
  focusFirst = false,
}: {
  onSignedIn: (user: User) => void;
  /** Start in the username field (the form replaced what had the focus). */
  focusFirst?: boolean;
}) {
  const form = useForm(
    { username: '', password: '' },
    async ({ username, password }) => {
      onSignedIn(await api.signIn(username, password));
    },
    { retryAfter: true },
  );

  return (
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
        autoFocus={focusFirst}
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
  );
}

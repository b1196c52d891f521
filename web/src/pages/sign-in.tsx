import { api, type User } from '../api';
import { Field, Link, PageTitle, useResource } from '../components/ui';
import { useForm } from '../components/use-form';
import {
  listProviders,
  messageFromQuery,
  providerStartUrl,
} from '../external-auth';
import { safeNext } from '../router';

export function SignInPage({
  query,
  onSignedIn,
}: {
  query: URLSearchParams;
  onSignedIn: (user: User) => void;
}) {
  // Set by the server when a sign-in through a provider failed (denied, expired, disabled…).
  const error = messageFromQuery(query, 'error');
  return (
    <section className="narrow">
      <PageTitle>Sign in</PageTitle>
      {error && (
        <div className="notice error" role="alert">
          <p>Signing in through the provider did not work: {error}</p>
          <p>Try again, or sign in another way.</p>
        </div>
      )}
      <SignInForm onSignedIn={onSignedIn} next={safeNext(query.get('next'))} />
      <p>
        No account yet? <Link href="/sign-up">Create one</Link>.
      </p>
    </section>
  );
}

/** The sign-in form alone, for pages that sign in in place (the OAuth authorization page). */
export function SignInForm({
  onSignedIn,
  next,
  focusFirst = false,
}: {
  onSignedIn: (user: User) => void;
  /** The console page a sign-in through a provider comes back to. */
  next: string;
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
    <>
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
      <ProviderButtons next={next} />
    </>
  );
}

/**
 * One "Sign in with …" per configured provider: plain links, so the browser leaves for the
 * server's start endpoint (and on to the provider) with a full navigation.
 */
function ProviderButtons({ next }: { next: string }) {
  const providers = useResource(() => listProviders(api), 'providers');
  const list = providers.data ?? [];
  if (list.length === 0) {
    return null;
  }
  return (
    // Not a <nav>: the OAuth pages have no navigation, and these are a choice, not a menu.
    <div className="providers">
      <p className="or">or</p>
      <ul aria-label="Other ways to sign in">
        {list.map((provider) => (
          <li key={provider.name}>
            <a
              className="button"
              href={providerStartUrl(provider.name, { next })}
            >
              Sign in with {provider.display_name}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

import {
  browserSupportsWebAuthn,
  startAuthentication,
} from '@simplewebauthn/browser';
import { useCallback, useState } from 'react';
import { api, ApiError, type SecondFactorChallenge, type User } from '../api';
import { Field, Link, PageTitle, useResource } from '../components/ui';
import { useForm } from '../components/use-form';
import { needsVerifiedEmail, resendVerificationTo } from '../email';
import { passkeyErrorText, signInWithPasskey } from '../passkeys';
import { SecondFactorStep } from './second-factor';
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
        <Link href="/forgot-password">Forgot your password?</Link>
      </p>
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
  // The second step's challenge, in memory only: half a sign-in.
  const [challenge, setChallenge] = useState<SecondFactorChallenge | null>(
    null,
  );
  const [startedOver, setStartedOver] = useState<string | null>(null);
  const [unverified, setUnverified] = useState(false);
  const form = useForm(
    { username: '', password: '' },
    async ({ username, password }, { set }) => {
      setStartedOver(null);
      setUnverified(false);
      try {
        const result = await api.signIn(username, password);
        if (result.kind === 'signed-in') {
          onSignedIn(result.user);
          return;
        }
        // The password has done its part: it is not kept while the second step waits.
        set('password', '');
        setChallenge(result.challenge);
      } catch (error) {
        setUnverified(
          error instanceof ApiError &&
            error.status === 403 &&
            needsVerifiedEmail(error.messages),
        );
        throw error;
      }
    },
    { retryAfter: true },
  );
  const startOver = useCallback((message: string | null) => {
    setChallenge(null);
    setStartedOver(message);
  }, []);

  if (challenge) {
    return (
      <SecondFactorStep
        challenge={challenge}
        onSignedIn={onSignedIn}
        onStartOver={startOver}
      />
    );
  }

  return (
    <>
      <form onSubmit={form.onSubmit} noValidate>
        {startedOver && (
          <p className="notice error" role="alert">
            {startedOver}
          </p>
        )}
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
        <div className="actions">
          <button type="submit" className="primary" disabled={form.busy}>
            {form.busy ? 'Signing in…' : 'Sign in'}
          </button>
          <PasskeySignIn onSignedIn={onSignedIn} />
        </div>
      </form>
      {unverified && <ResendVerification />}
      <ProviderButtons next={next} />
    </>
  );
}

/** "Sign in with a passkey": no username, no password; the browser offers its passkeys. */
function PasskeySignIn({ onSignedIn }: { onSignedIn: (user: User) => void }) {
  const [supported] = useState(browserSupportsWebAuthn);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!supported) {
    return null;
  }
  return (
    <>
      <button
        type="button"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          setError(null);
          signInWithPasskey(api, startAuthentication).then(onSignedIn, (e) => {
            setError(passkeyErrorText(e));
            setBusy(false);
          });
        }}
      >
        {busy ? 'Waiting for the passkey…' : 'Sign in with a passkey'}
      </button>
      {error && (
        <p className="notice error full" role="alert">
          {error}
        </p>
      )}
    </>
  );
}

/** After a refusal for an unverified address: ask for the link again. */
function ResendVerification() {
  const form = useForm({ email: '' }, async ({ email }) =>
    resendVerificationTo(api, email),
  );
  return (
    <form className="card" onSubmit={form.onSubmit} noValidate>
      <h2>Verify your email address</h2>
      <p>Lost the link? Enter your address to get a new one.</p>
      <Field
        label="Email"
        type="email"
        autoComplete="email"
        {...form.bind('email')}
      />
      {form.formError && (
        <p className="notice error" role="alert">
          {form.formError}
        </p>
      )}
      {form.notice && (
        <p className="notice ok" role="status">
          {form.notice}
        </p>
      )}
      <button type="submit" disabled={form.busy}>
        Send the link again
      </button>
    </form>
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

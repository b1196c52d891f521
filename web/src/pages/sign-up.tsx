import { useState } from 'react';
import { api, ApiError, type SignInResult, type User } from '../api';
import { Field, Link, PageTitle } from '../components/ui';
import { useForm } from '../components/use-form';
import { needsVerifiedEmail } from '../email';

const FIELDS = [
  'username',
  'password',
  'email',
  'first_name',
  'last_name',
] as const;
type SignUpField = (typeof FIELDS)[number];

function isSignInResult(value: unknown): value is SignInResult {
  return typeof value === 'object' && value !== null && 'kind' in value;
}

interface Registered {
  access_token: string;
  refresh_token: string;
}

export function SignUpPage({
  onSignedIn,
}: {
  onSignedIn: (user: User) => void;
}) {
  // This server signs nobody in before their address is verified (REQUIRE_VERIFIED_EMAIL).
  const [verifyFirst, setVerifyFirst] = useState<string | null>(null);
  const form = useForm(
    { username: '', password: '', email: '', first_name: '', last_name: '' },
    async (values) => {
      const body: Partial<Record<SignUpField, string>> = {};
      for (const field of FIELDS) {
        if (
          values[field].trim() !== '' ||
          field === 'username' ||
          field === 'password'
        ) {
          body[field] = values[field];
        }
      }
      const registered = await api.post<Registered>('/api/register', body, {
        expectUnauthorized: true,
      });
      // The console works with a cookie session: sign in, and revoke the token pair that
      // registering issued, which this page has no use for.
      const signedIn = await api
        .signIn(values.username, values.password)
        .catch((error: unknown) => error);
      if (registered?.access_token) {
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
      }
      if (
        signedIn instanceof ApiError &&
        signedIn.status === 403 &&
        needsVerifiedEmail(signedIn.messages)
      ) {
        setVerifyFirst(values.email.trim());
        return;
      }
      if (!isSignInResult(signedIn)) {
        throw signedIn;
      }
      // A new account has no second factor yet: signing in is done in one step.
      if (signedIn.kind === 'signed-in') {
        onSignedIn(signedIn.user);
      }
    },
    // 409: the username or email is taken, which belongs next to that field.
    { fieldStatuses: [400, 409], retryAfter: true },
  );
  if (verifyFirst !== null) {
    return (
      <section className="narrow">
        <PageTitle>Check your email</PageTitle>
        <p className="notice ok" role="status">
          Your account is created. A link to verify{' '}
          <strong>{verifyFirst}</strong> is on its way: follow it, then sign in.
        </p>
        <p>
          <Link href="/sign-in">Sign in</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="narrow">
      <PageTitle>Create an account</PageTitle>
      <form onSubmit={form.onSubmit} noValidate>
        {form.formError && (
          <p className="notice error" role="alert">
            {form.formError}
          </p>
        )}
        <Field
          label="Username"
          autoComplete="username"
          hint="3 to 32 characters: a-z, 0-9, dot, underscore or dash."
          required
          {...form.bind('username')}
        />
        <Field
          label="Password"
          type="password"
          autoComplete="new-password"
          hint="At least 8 characters."
          required
          {...form.bind('password')}
        />
        <Field
          label="Email (optional)"
          type="email"
          autoComplete="email"
          {...form.bind('email')}
        />
        <Field
          label="First name (optional)"
          autoComplete="given-name"
          {...form.bind('first_name')}
        />
        <Field
          label="Last name (optional)"
          autoComplete="family-name"
          {...form.bind('last_name')}
        />
        <button type="submit" className="primary" disabled={form.busy}>
          {form.busy ? 'Creating…' : 'Create account'}
        </button>
      </form>
      <p>
        Already have an account? <Link href="/sign-in">Sign in</Link>.
      </p>
    </section>
  );
}

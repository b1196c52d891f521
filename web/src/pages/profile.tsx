import { api, ApiError, type User } from '../api';
import { Field, Link, PageTitle } from '../components/ui';
import { useForm } from '../components/use-form';

export function ProfilePage({
  user,
  onChanged,
}: {
  user: User;
  onChanged: (user: User) => void;
}) {
  return (
    <>
      <PageTitle>Profile</PageTitle>
      <p className="muted">
        Signed in as <strong>{user.username}</strong>
        {user.roles.includes('admin') ? ' (administrator)' : ''}.
      </p>
      <ProfileForm user={user} onChanged={onChanged} />
      <PasswordForm />
    </>
  );
}

function ProfileForm({
  user,
  onChanged,
}: {
  user: User;
  onChanged: (user: User) => void;
}) {
  const form = useForm(
    {
      first_name: user.first_name ?? '',
      last_name: user.last_name ?? '',
      email: user.email ?? '',
    },
    async (values) => {
      const answer = await api.patch<{ user: User }>('/api/profile', {
        first_name: values.first_name.trim() || null,
        last_name: values.last_name.trim() || null,
        email: values.email.trim() || null,
      });
      onChanged(answer.user);
      return 'Your profile is saved.';
    },
    // 409: the email belongs to another account.
    { fieldStatuses: [400, 409] },
  );

  return (
    <form className="card" onSubmit={form.onSubmit} noValidate>
      <h2>Names and email</h2>
      <Field
        label="First name"
        autoComplete="given-name"
        {...form.bind('first_name')}
      />
      <Field
        label="Last name"
        autoComplete="family-name"
        {...form.bind('last_name')}
      />
      <Field
        label="Email"
        type="email"
        autoComplete="email"
        hint="Leave empty to remove it."
        {...form.bind('email')}
      />
      <Outcome notice={form.notice} error={form.formError} />
      <button type="submit" className="primary" disabled={form.busy}>
        Save profile
      </button>
    </form>
  );
}

function PasswordForm() {
  const form = useForm(
    { current_password: '', new_password: '' },
    async (values, { reset }) => {
      await api.post('/api/profile/password', values);
      reset();
      return 'Your password is changed. Every other session and token of yours has ended; this one stays signed in.';
    },
    {
      // 403: the current password is wrong; say so beside it.
      mapError: (error) =>
        error instanceof ApiError && error.status === 403
          ? { byField: { current_password: error.messages }, form: null }
          : null,
    },
  );

  return (
    <form className="card" onSubmit={form.onSubmit} noValidate>
      <h2>Change password</h2>
      <p className="muted">
        Changing it signs you out everywhere else: your other sessions, tokens
        and apps signed in with your password must sign in again.
      </p>
      <p className="muted">
        No password yet, because you signed up through another account? Set one
        on <Link href="/sign-in-methods">Sign-in methods</Link>.
      </p>
      <Field
        label="Current password"
        type="password"
        autoComplete="current-password"
        {...form.bind('current_password')}
      />
      <Field
        label="New password"
        type="password"
        autoComplete="new-password"
        hint="At least 8 characters."
        {...form.bind('new_password')}
      />
      <Outcome notice={form.notice} error={form.formError} />
      <button type="submit" className="primary" disabled={form.busy}>
        Change password
      </button>
    </form>
  );
}

/** How the last submit went, below the fields: a notice, or the error no field claimed. */
function Outcome({
  notice,
  error,
}: {
  notice: string | null;
  error: string | null;
}) {
  if (error) {
    return (
      <p className="notice error" role="alert">
        {error}
      </p>
    );
  }
  return notice ? (
    <p className="notice ok" role="status">
      {notice}
    </p>
  ) : null;
}

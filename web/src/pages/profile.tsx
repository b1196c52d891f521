import { useState } from 'react';
import {
  api,
  ApiError,
  errorText,
  isReauthenticationRequired,
  type User,
} from '../api';
import { deleteOwnAccount } from '../account';
import { ConfirmButton, Field, Link, PageTitle } from '../components/ui';
import { useForm } from '../components/use-form';
import {
  emailStatus,
  profileChanges,
  profileSavedText,
  sendVerificationAgain,
} from '../email';

export function ProfilePage({
  user,
  onChanged,
  onDeleted,
}: {
  user: User;
  onChanged: (user: User) => void;
  onDeleted: () => void;
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
      <DeleteAccount user={user} onDeleted={onDeleted} />
    </>
  );
}

function DeleteAccount({
  user,
  onDeleted,
}: {
  user: User;
  onDeleted: () => void;
}) {
  return (
    <section className="card" aria-labelledby="delete-title">
      <h2 id="delete-title">Delete your account</h2>
      {user.roles.includes('admin') ? (
        <p className="muted">
          An administrator’s account is deleted by another administrator, so
          that administration is never locked out.
        </p>
      ) : (
        <>
          <p className="muted">
            Deletes your account and everything of it: sessions, tokens, API
            keys, second factors and passkeys. This cannot be undone.
          </p>
          <ConfirmButton
            label="Delete my account"
            confirmLabel="Yes, delete my account"
            question={`Delete the account ${user.username} for good?`}
            onConfirm={async () => {
              await deleteOwnAccount(api);
              onDeleted();
            }}
          />
        </>
      )}
    </section>
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
      // Only what changed: a new address asks for a recent sign-in and mails a link.
      const changes = profileChanges(user, values);
      if (Object.keys(changes).length === 0) {
        return 'Nothing changed.';
      }
      const answer = await api.patch<{ user: User }>('/api/profile', changes);
      onChanged(answer.user);
      return profileSavedText(user, answer.user, 'email' in changes);
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
        hint="Leave empty to remove it. A new address changes once you follow the link sent to it."
        {...form.bind('email')}
      />
      <EmailStatus user={user} />
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
      // 403: the current password is wrong; say so beside it (a refused re-authentication
      // is the form's).
      mapError: (error) =>
        error instanceof ApiError &&
        error.status === 403 &&
        !isReauthenticationRequired(error)
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

/** Whether the address is verified, which one waits for confirmation, and a new link. */
function EmailStatus({ user }: { user: User }) {
  const [sent, setSent] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const status = emailStatus(user);
  if (!status) {
    return null;
  }
  return (
    <div className="field email-status">
      <p className={status.canResend ? 'notice' : 'muted'}>{status.text}</p>
      {status.canResend && (
        <button
          type="button"
          disabled={busy}
          onClick={() => {
            setBusy(true);
            sendVerificationAgain(api)
              .then(
                (text) => setSent({ ok: true, text }),
                (e: unknown) => setSent({ ok: false, text: errorText(e) }),
              )
              .finally(() => setBusy(false));
          }}
        >
          Send the link again
        </button>
      )}
      {sent && (
        <p
          className={sent.ok ? 'notice ok' : 'notice error'}
          role={sent.ok ? 'status' : 'alert'}
        >
          {sent.text}
        </p>
      )}
    </div>
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

import { type FormEvent, useState } from 'react';
import { api, ApiError, fieldErrors, type User } from '../api';
import { Field, PageTitle, errorText } from '../components/ui';

const PROFILE_FIELDS = ['first_name', 'last_name', 'email'] as const;
type ProfileField = (typeof PROFILE_FIELDS)[number];
const PASSWORD_FIELDS = ['current_password', 'new_password'] as const;
type PasswordField = (typeof PASSWORD_FIELDS)[number];

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
  const [form, setForm] = useState<Record<ProfileField, string>>({
    first_name: user.first_name ?? '',
    last_name: user.last_name ?? '',
    email: user.email ?? '',
  });
  const [errors, setErrors] = useState<Partial<Record<ProfileField, string[]>>>(
    {},
  );
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(
    null,
  );
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setStatus(null);
    const body: Record<ProfileField, string | null> = {
      first_name: form.first_name.trim() || null,
      last_name: form.last_name.trim() || null,
      email: form.email.trim() || null,
    };
    try {
      const answer = await api.patch<{ user: User }>('/api/profile', body);
      onChanged(answer.user);
      setStatus({ ok: true, text: 'Your profile is saved.' });
    } catch (error) {
      if (
        error instanceof ApiError &&
        (error.status === 400 || error.status === 409)
      ) {
        const sorted = fieldErrors(error.messages, PROFILE_FIELDS);
        setErrors(sorted.byField);
        if (sorted.other.length > 0) {
          setStatus({ ok: false, text: sorted.other.join(' ') });
        }
      } else {
        setStatus({ ok: false, text: errorText(error) });
      }
    } finally {
      setBusy(false);
    }
  }

  const bind = (field: ProfileField) => ({
    name: field,
    value: form[field],
    errors: errors[field],
    onChange: (event: React.ChangeEvent<HTMLInputElement>) =>
      setForm((previous) => ({ ...previous, [field]: event.target.value })),
  });

  return (
    <form className="card" onSubmit={(event) => void submit(event)} noValidate>
      <h2>Names and email</h2>
      <Field
        label="First name"
        autoComplete="given-name"
        {...bind('first_name')}
      />
      <Field
        label="Last name"
        autoComplete="family-name"
        {...bind('last_name')}
      />
      <Field
        label="Email"
        type="email"
        autoComplete="email"
        hint="Leave empty to remove it."
        {...bind('email')}
      />
      {status && (
        <p
          className={status.ok ? 'notice ok' : 'notice error'}
          role={status.ok ? 'status' : 'alert'}
        >
          {status.text}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy}>
        Save profile
      </button>
    </form>
  );
}

function PasswordForm() {
  const [form, setForm] = useState<Record<PasswordField, string>>({
    current_password: '',
    new_password: '',
  });
  const [errors, setErrors] = useState<
    Partial<Record<PasswordField, string[]>>
  >({});
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(
    null,
  );
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setStatus(null);
    try {
      await api.post('/api/profile/password', form);
      setForm({ current_password: '', new_password: '' });
      setStatus({
        ok: true,
        text: 'Your password is changed. Every other session and token of yours has ended; this one stays signed in.',
      });
    } catch (error) {
      if (error instanceof ApiError && error.status === 400) {
        const sorted = fieldErrors(error.messages, PASSWORD_FIELDS);
        setErrors(sorted.byField);
        if (sorted.other.length > 0) {
          setStatus({ ok: false, text: sorted.other.join(' ') });
        }
      } else if (error instanceof ApiError && error.status === 403) {
        setErrors({ current_password: error.messages });
      } else {
        setStatus({ ok: false, text: errorText(error) });
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card" onSubmit={(event) => void submit(event)} noValidate>
      <h2>Change password</h2>
      <p className="muted">
        Changing it signs you out everywhere else: your other sessions, tokens
        and apps signed in with your password must sign in again.
      </p>
      <Field
        label="Current password"
        name="current_password"
        type="password"
        autoComplete="current-password"
        value={form.current_password}
        errors={errors.current_password}
        onChange={(event) =>
          setForm((previous) => ({
            ...previous,
            current_password: event.target.value,
          }))
        }
      />
      <Field
        label="New password"
        name="new_password"
        type="password"
        autoComplete="new-password"
        hint="At least 8 characters."
        value={form.new_password}
        errors={errors.new_password}
        onChange={(event) =>
          setForm((previous) => ({
            ...previous,
            new_password: event.target.value,
          }))
        }
      />
      {status && (
        <p
          className={status.ok ? 'notice ok' : 'notice error'}
          role={status.ok ? 'status' : 'alert'}
        >
          {status.text}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy}>
        Change password
      </button>
    </form>
  );
}

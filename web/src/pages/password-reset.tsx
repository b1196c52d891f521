import { useEffect, useState } from 'react';
import { api, ApiError } from '../api';
import { Field, Link, PageTitle } from '../components/ui';
import { useForm } from '../components/use-form';
import { requestPasswordReset, resetPassword } from '../email';
import { useLinkToken } from './link-token';

/** `/forgot-password`: asks for a reset link; the answer never says whether the address exists. */
export function ForgotPasswordPage() {
  const form = useForm({ email: '' }, async ({ email }) =>
    requestPasswordReset(api, email),
  );
  return (
    <section className="narrow">
      <PageTitle>Forgot your password?</PageTitle>
      <p>
        Enter the email address of your account. If it has one, a link to set a
        new password is sent to it; the link works once, for 30 minutes.
      </p>
      <form onSubmit={form.onSubmit} noValidate>
        {form.formError && (
          <p className="notice error" role="alert">
            {form.formError}
          </p>
        )}
        <Field
          label="Email"
          type="email"
          autoComplete="email"
          required
          {...form.bind('email')}
        />
        {form.notice && (
          <p className="notice ok" role="status">
            {form.notice}
          </p>
        )}
        <button type="submit" className="primary" disabled={form.busy}>
          {form.busy ? 'Sending…' : 'Send the link'}
        </button>
      </form>
      <p>
        Remembered it? <Link href="/sign-in">Sign in</Link>.
      </p>
    </section>
  );
}

/**
 * `/reset-password#token=…`, from the emailed link: a new password. Setting it ends every session
 * and token of the account, this browser's too if it was signed in (`onReset`).
 */
export function ResetPasswordPage({ onReset }: { onReset: () => void }) {
  const token = useLinkToken();
  const [done, setDone] = useState(false);
  const [linkDead, setLinkDead] = useState(false);
  const form = useForm(
    { new_password: '' },
    async ({ new_password: password }, { reset }) => {
      if (token === null) {
        return;
      }
      try {
        await resetPassword(api, token, password);
      } catch (error) {
        // A used or expired link: only a new one helps.
        setLinkDead(
          error instanceof ApiError &&
            error.status === 400 &&
            error.messages.some((message) => message.startsWith('token')),
        );
        throw error;
      }
      reset();
      setDone(true);
      onReset();
    },
  );

  if (token === null) {
    return (
      <section className="narrow">
        <PageTitle>Reset your password</PageTitle>
        <p className="notice error" role="alert">
          This page needs the link from the email we sent you, in full. Open the
          link again, or ask for a new one.
        </p>
        <p>
          <Link href="/forgot-password">Ask for a new link</Link>
        </p>
      </section>
    );
  }
  if (done) {
    return (
      <section className="narrow">
        <PageTitle>Your password is set</PageTitle>
        <Focused>
          Your new password is set. Every session and token of your account has
          ended, on every device: sign in again with the new password.
        </Focused>
        <p>
          <Link href="/sign-in">Sign in</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="narrow">
      <PageTitle>Reset your password</PageTitle>
      <form onSubmit={form.onSubmit} noValidate>
        {form.formError && (
          <div className="notice error" role="alert">
            <p>{form.formError}</p>
            {linkDead && (
              <p>
                <Link href="/forgot-password">Ask for a new link</Link>
              </p>
            )}
          </div>
        )}
        <Field
          label="New password"
          type="password"
          autoComplete="new-password"
          hint="At least 8 characters. Setting it signs you out everywhere."
          required
          {...form.bind('new_password')}
        />
        <button type="submit" className="primary" disabled={form.busy}>
          {form.busy ? 'Setting…' : 'Set the new password'}
        </button>
      </form>
    </section>
  );
}

/** A notice that takes the focus: what had it (the form's button) is gone. */
export function Focused({ children }: { children: React.ReactNode }) {
  const [node, setNode] = useState<HTMLParagraphElement | null>(null);
  useEffect(() => {
    node?.focus();
  }, [node]);
  return (
    <p ref={setNode} className="notice ok" role="status" tabIndex={-1}>
      {children}
    </p>
  );
}

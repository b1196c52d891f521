import { useState } from 'react';
import { api, ApiError, errorText, type User } from '../api';
import { Link, PageTitle } from '../components/ui';
import { sendVerificationAgain, verifyEmail } from '../email';
import { useLinkToken } from './link-token';
import { Focused } from './password-reset';

/**
 * `/verify-email#token=…`, from the emailed link: confirms the address with one click (a click,
 * so that a mail scanner opening the link does not spend it), signed in or not.
 */
export function VerifyEmailPage({
  user,
  onVerified,
}: {
  user: User | null;
  onVerified: (user: User) => void;
}) {
  const token = useLinkToken();
  const [busy, setBusy] = useState(false);
  const [verified, setVerified] = useState<User | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function confirm() {
    if (token === null) {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const answer = await verifyEmail(api, token);
      setVerified(answer);
      if (user && answer.id === user.id) {
        onVerified(answer);
      }
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  }

  if (verified) {
    return (
      <section className="narrow">
        <PageTitle>Email address verified</PageTitle>
        <Focused>
          {verified.email
            ? `${verified.email} is verified: it is your account’s address now.`
            : 'Your email address is verified.'}
        </Focused>
        <p>
          {user ? (
            <Link href="/profile">Go to your profile</Link>
          ) : (
            <Link href="/sign-in">Sign in</Link>
          )}
        </p>
      </section>
    );
  }
  return (
    <section className="narrow">
      <PageTitle>Verify your email address</PageTitle>
      {token === null ? (
        <p className="notice error" role="alert">
          This page needs the link from the email we sent you, in full. Open the
          link again.
        </p>
      ) : (
        <>
          <p>Confirm that this email address is yours.</p>
          {error !== null && <VerifyFailed error={error} user={user} />}
          <button
            type="button"
            className="primary"
            disabled={busy}
            onClick={() => void confirm()}
          >
            {busy ? 'Confirming…' : 'Confirm my email address'}
          </button>
        </>
      )}
      {token === null && <NewLink user={user} />}
    </section>
  );
}

function VerifyFailed({ error, user }: { error: unknown; user: User | null }) {
  const dead = error instanceof ApiError && error.status === 400;
  return (
    <div className="notice error" role="alert">
      <p>
        {dead
          ? 'This link is invalid, expired or already used.'
          : errorText(error)}
      </p>
      {dead && <NewLink user={user} />}
    </div>
  );
}

/** A new link: from the profile when signed in; otherwise after signing in. */
function NewLink({ user }: { user: User | null }) {
  const [notice, setNotice] = useState<string | null>(null);
  if (!user) {
    return (
      <p>
        <Link href="/sign-in?next=%2Fprofile">Sign in</Link> to ask for a new
        link from your profile.
      </p>
    );
  }
  return (
    <p>
      <button
        type="button"
        onClick={() => {
          sendVerificationAgain(api).then(setNotice, (e: unknown) =>
            setNotice(errorText(e)),
          );
        }}
      >
        Send a new link
      </button>{' '}
      <span role="status">{notice}</span>
    </p>
  );
}

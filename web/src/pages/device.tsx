import { useState } from 'react';
import { Field, Link, PageTitle } from '../components/ui';
import {
  deviceOutcome,
  deviceVerificationUrl,
  normalizeUserCode,
} from '../oauth';

/**
 * `/device`: the code a TV or command-line tool shows (OAuth device flow, RFC 8628). Submitting
 * hands over to the server's verification endpoint with a full navigation; the server sends
 * the browser back here with `?done=1` or `?error=<message>`.
 */
export function DevicePage({ query }: { query: URLSearchParams }) {
  const outcome = deviceOutcome(query);
  const [code, setCode] = useState(query.get('user_code') ?? '');
  const [error, setError] = useState<string | null>(null);
  const [leaving, setLeaving] = useState(false);

  if (outcome.done) {
    return (
      <section className="narrow">
        <PageTitle>Connect a device</PageTitle>
        <p className="notice ok" role="status">
          Your device is connected; you can close this page.
        </p>
        <p>
          <Link href="/device">Connect another device</Link>
        </p>
      </section>
    );
  }

  return (
    <section className="narrow">
      <PageTitle>Connect a device</PageTitle>
      <p>
        Type in the code shown on your TV, console or command line. You will
        then be asked to sign in, if you are not, and to allow the device to use
        your account.
      </p>
      {outcome.error && (
        <div className="notice error" role="alert">
          <p>The code was not accepted: {outcome.error}</p>
          <p>Check the code on your device, or start again there.</p>
        </div>
      )}
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const read = normalizeUserCode(code);
          if ('error' in read) {
            setError(read.error);
            return;
          }
          setError(null);
          setCode(read.code);
          setLeaving(true);
          window.location.assign(deviceVerificationUrl(read.code));
        }}
      >
        <Field
          label="Code"
          name="user_code"
          value={code}
          hint="Like BCDF-GHJK; with or without the dash, in any case."
          autoComplete="one-time-code"
          autoCapitalize="characters"
          spellCheck={false}
          required
          errors={error ? [error] : undefined}
          onChange={(event) => setCode(event.target.value.toUpperCase())}
        />
        <button type="submit" className="primary" disabled={leaving}>
          {leaving ? 'Continuing…' : 'Continue'}
        </button>
      </form>
    </section>
  );
}

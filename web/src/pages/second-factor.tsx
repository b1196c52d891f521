import {
  browserSupportsWebAuthn,
  startAuthentication,
} from '@simplewebauthn/browser';
import {
  type FormEvent,
  useCallback,
  useEffect,
  useRef,
  useState,
} from 'react';
import {
  api,
  type SecondFactorChallenge,
  type SecondFactorMethod,
  type User,
} from '../api';
import { MethodChoice } from '../components/method-choice';
import { Field, Link, PageTitle } from '../components/ui';
import { passkeyErrorText } from '../passkeys';
import {
  challengeFromHash,
  firstMethod,
  isChallengeExpired,
  METHOD_LABELS,
  secondStepOutcome,
  typedProof,
  usableMethods,
} from '../sign-in-flow';

export const TOO_LATE =
  'Your sign-in took too long. Enter your password again.';

/**
 * The second sign-in step, in place of the password form: a code from the authenticator app, a
 * recovery code, or a passkey. The challenge lives in this component's memory only; when it is
 * over (expired, used up) the person starts again from the password with `onStartOver`.
 */
export function SecondFactorStep({
  challenge,
  onSignedIn,
  onStartOver,
}: {
  challenge: SecondFactorChallenge;
  onSignedIn: (user: User) => void;
  onStartOver: (message: string | null) => void;
}) {
  const [methods] = useState(() =>
    usableMethods(challenge, browserSupportsWebAuthn()),
  );
  const [method, setMethod] = useState(() => firstMethod(methods));
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const title = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    title.current?.focus();
  }, []);

  // Back to the password when the challenge dies while the person looks for their phone.
  useEffect(() => {
    const timer = setTimeout(
      () => onStartOver(TOO_LATE),
      Math.max(0, challenge.expiresAt - Date.now()),
    );
    return () => clearTimeout(timer);
  }, [challenge, onStartOver]);

  async function prove(run: () => Promise<User>) {
    if (isChallengeExpired(challenge)) {
      onStartOver(TOO_LATE);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await run());
    } catch (failure) {
      const outcome =
        failure instanceof PasskeyError
          ? { startOver: false, message: failure.message }
          : secondStepOutcome(failure);
      if (outcome.startOver) {
        onStartOver(outcome.message);
        return;
      }
      setError(outcome.message);
      setBusy(false);
    }
  }

  function submitCode(event: FormEvent) {
    event.preventDefault();
    if (method !== 'totp' && method !== 'recovery_code') {
      return;
    }
    const typed = typedProof(method, code);
    if ('problem' in typed) {
      setProblem(typed.problem);
      return;
    }
    setProblem(null);
    void prove(() => api.completeSignIn(challenge, typed.proof));
  }

  function usePasskey() {
    const options = challenge.passkeyOptions;
    if (!options) {
      return;
    }
    void prove(async () => {
      let credential;
      try {
        credential = await startAuthentication({ optionsJSON: options });
      } catch (failure) {
        throw new PasskeyError(passkeyErrorText(failure));
      }
      return api.completeSignIn(challenge, { passkey: credential });
    });
  }

  return (
    <section aria-labelledby="second-step-title">
      <h2 id="second-step-title" ref={title} tabIndex={-1}>
        Confirm it’s you
      </h2>
      <p>
        Your account has a second factor. Your password was right: now use one
        of these to finish signing in.
      </p>
      {error && (
        <p className="notice error" role="alert">
          {error}
        </p>
      )}
      {methods.length === 0 && (
        <p className="notice error" role="alert">
          Your account’s second factor is a passkey, which this browser cannot
          use. Sign in from a browser that supports passkeys, or ask an
          administrator to reset your second factors.
        </p>
      )}
      <MethodChoice
        name="second-factor-method"
        methods={methods}
        labels={METHOD_LABELS}
        value={method}
        onChange={(choice) => {
          setMethod(choice);
          setCode('');
          setProblem(null);
          setError(null);
        }}
      />
      {method === 'passkey' ? (
        <p>
          <button
            type="button"
            className="primary"
            disabled={busy}
            onClick={usePasskey}
          >
            {busy ? 'Waiting for the passkey…' : 'Use a passkey'}
          </button>
        </p>
      ) : method ? (
        <form onSubmit={submitCode} noValidate>
          <CodeField
            method={method}
            code={code}
            problem={problem}
            onChange={setCode}
          />
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Checking…' : 'Continue'}
          </button>
        </form>
      ) : null}
      <p>
        <button
          type="button"
          className="link"
          onClick={() => onStartOver(null)}
        >
          Cancel and sign in again
        </button>
      </p>
    </section>
  );
}

function CodeField({
  method,
  code,
  problem,
  onChange,
}: {
  method: Exclude<SecondFactorMethod, 'passkey'>;
  code: string;
  problem: string | null;
  onChange: (code: string) => void;
}) {
  return method === 'totp' ? (
    <Field
      label="Code from your authenticator app"
      name="code"
      inputMode="numeric"
      autoComplete="one-time-code"
      hint="The 6 digits it shows now."
      value={code}
      errors={problem ? [problem] : undefined}
      onChange={(event) => onChange(event.target.value)}
    />
  ) : (
    <Field
      label="Your recovery code"
      name="recovery_code"
      autoComplete="off"
      spellCheck={false}
      autoCapitalize="none"
      hint="One of the codes you saved when you turned on the app, like abcde-12345. Each works once."
      value={code}
      errors={problem ? [problem] : undefined}
      onChange={(event) => onChange(event.target.value)}
    />
  );
}

/** A passkey ceremony that failed in the browser, already put in words. */
class PasskeyError extends Error {}

/**
 * `/sign-in/second-factor#challenge_token=…`, where the server sends a browser whose sign-in
 * through an external provider needs the second step. The fragment is read once and leaves the
 * address bar at once: it holds half a sign-in.
 */
export function SecondFactorPage({
  onSignedIn,
}: {
  onSignedIn: (user: User, next: string | null) => void;
}) {
  const [handed] = useState(() => challengeFromHash(window.location.hash));
  const [over, setOver] = useState<string | null | undefined>(undefined);
  useEffect(() => {
    if (window.location.hash) {
      window.history.replaceState(
        window.history.state,
        '',
        window.location.pathname + window.location.search,
      );
    }
  }, []);
  const signedIn = useCallback(
    (user: User) => onSignedIn(user, handed?.next ?? null),
    [handed, onSignedIn],
  );
  return (
    <section className="narrow">
      <PageTitle>Sign in</PageTitle>
      {handed && over === undefined ? (
        <SecondFactorStep
          challenge={handed.challenge}
          onSignedIn={signedIn}
          onStartOver={setOver}
        />
      ) : (
        <>
          <p className="notice error" role="alert">
            {over ??
              'There is no sign-in to finish here: it was finished, or the link is incomplete.'}
          </p>
          <p>
            <Link href="/sign-in">Sign in again</Link>
          </p>
        </>
      )}
    </section>
  );
}

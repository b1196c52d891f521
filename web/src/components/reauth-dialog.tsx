import {
  browserSupportsWebAuthn,
  startAuthentication,
} from '@simplewebauthn/browser';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { api, ApiError, errorText } from '../api';
import { retryMessage } from '../format';
import { passkeyErrorText, reauthenticateWithPasskey } from '../passkeys';
import {
  REAUTH_LABELS,
  reauthBody,
  reauthenticate,
  type ReauthMethod,
  reauthMethods,
} from '../reauth';
import { MethodChoice } from './method-choice';
import { Field } from './ui';

/** One open prompt: `resolve(true)` once re-authenticated, `resolve(false)` when given up. */
export interface ReauthRequest {
  resolve: (done: boolean) => void;
}

/**
 * The prompt a sensitive action opens when the server wants a recent sign-in: a modal dialog
 * (the browser's own, which keeps the keyboard inside and closes on Escape) asking for the
 * password, a code or a passkey. The action is retried by api.ts once this resolves true.
 */
export function ReauthDialog({
  request,
  username,
  onClosed,
}: {
  request: ReauthRequest | null;
  username: string;
  onClosed: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const node = dialog.current;
    if (request && node && !node.open) {
      node.showModal();
    }
    if (!request && node?.open) {
      node.close();
    }
  }, [request]);

  const finish = (done: boolean) => {
    request?.resolve(done);
    onClosed();
  };

  return (
    <dialog
      ref={dialog}
      className="reauth"
      aria-labelledby="reauth-title"
      onCancel={(event) => {
        event.preventDefault();
        finish(false);
      }}
    >
      {request && (
        <ReauthForm
          username={username}
          onDone={() => finish(true)}
          onCancel={() => finish(false)}
        />
      )}
    </dialog>
  );
}

function ReauthForm({
  username,
  onDone,
  onCancel,
}: {
  username: string;
  onDone: () => void;
  onCancel: () => void;
}) {
  const [methods, setMethods] = useState<ReauthMethod[] | null>(null);
  const [method, setMethod] = useState<ReauthMethod | null>(null);
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    void reauthMethods(api, browserSupportsWebAuthn()).then((offered) => {
      if (live) {
        setMethods(offered);
        setMethod(offered[0] ?? null);
      }
    });
    return () => {
      live = false;
    };
  }, []);

  async function run(prove: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await prove();
      onDone();
    } catch (failure) {
      setError(
        failure instanceof ApiError && failure.status === 429
          ? retryMessage(failure.retryAfterSeconds)
          : failure instanceof ApiError
            ? errorText(failure)
            : passkeyErrorText(failure),
      );
      setBusy(false);
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!method) {
      return;
    }
    if (method === 'passkey') {
      void run(() => reauthenticateWithPasskey(api, startAuthentication));
      return;
    }
    const made = reauthBody(method, text);
    if ('problem' in made) {
      setProblem(made.problem);
      return;
    }
    setProblem(null);
    void run(() => reauthenticate(api, made.body));
  }

  return (
    <form onSubmit={submit} noValidate>
      <h2 id="reauth-title">Confirm it’s you</h2>
      <p>
        This action needs a recent sign-in. Confirm who you are, and it goes on.
      </p>
      {error && (
        <p className="notice error" role="alert">
          {error}
        </p>
      )}
      {methods === null ? (
        <p className="muted" role="status">
          Loading…
        </p>
      ) : methods.length === 0 ? (
        <p className="notice error" role="alert">
          This account has no way to confirm it here. Sign out and sign in
          again, then retry.
        </p>
      ) : (
        <>
          <MethodChoice
            name="reauth-method"
            methods={methods}
            labels={REAUTH_LABELS}
            value={method}
            onChange={(choice) => {
              setMethod(choice);
              setText('');
              setProblem(null);
              setError(null);
            }}
          />
          {/* Gives the password manager the account the password belongs to. */}
          <input
            type="text"
            name="username"
            autoComplete="username"
            value={username}
            readOnly
            hidden
          />
          {method === 'password' && (
            <Field
              label="Your password"
              type="password"
              name="password"
              autoComplete="current-password"
              autoFocus
              value={text}
              errors={problem ? [problem] : undefined}
              onChange={(event) => setText(event.target.value)}
            />
          )}
          {method === 'totp' && (
            <Field
              label="Code from your authenticator app"
              name="code"
              inputMode="numeric"
              autoComplete="one-time-code"
              value={text}
              errors={problem ? [problem] : undefined}
              onChange={(event) => setText(event.target.value)}
            />
          )}
          {method === 'recovery_code' && (
            <Field
              label="Your recovery code"
              name="recovery_code"
              autoComplete="off"
              spellCheck={false}
              hint="It is used up: each code works once."
              value={text}
              errors={problem ? [problem] : undefined}
              onChange={(event) => setText(event.target.value)}
            />
          )}
          {method === 'passkey' && (
            <p>Your browser asks for one of your passkeys.</p>
          )}
        </>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy || !method}>
          {busy
            ? 'Confirming…'
            : method === 'passkey'
              ? 'Use a passkey'
              : 'Confirm'}
        </button>
        <button type="button" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}

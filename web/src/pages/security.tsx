import {
  browserSupportsWebAuthn,
  startRegistration,
} from '@simplewebauthn/browser';
import { useEffect, useRef, useState } from 'react';
import { api, errorText, type User } from '../api';
import {
  ConfirmButton,
  Field,
  Loadable,
  PageTitle,
  useResource,
} from '../components/ui';
import { useForm } from '../components/use-form';
import { loadSignInMethods } from '../external-auth';
import { formatDateTime } from '../format';
import {
  addPasskey,
  deletePasskey,
  listPasskeys,
  type Passkey,
  passkeyErrorText,
  passkeyKind,
  renamePasskey,
} from '../passkeys';
import {
  confirmTotp,
  disableTotp,
  groupSecret,
  loadSecondFactors,
  recoveryCodesFile,
  recoveryCodesSummary,
  regenerateRecoveryCodes,
  type SecondFactorStatus,
  startTotp,
  totpCodeProblem,
  type TotpEnrolment,
} from '../second-factors';

/**
 * `/security`: the second factors — an authenticator app (TOTP) with its recovery codes, and
 * passkeys. Recovery codes and an enrolment's secret are shown once and kept in memory only.
 */
export function SecurityPage({ user }: { user: User }) {
  const factors = useResource(() => loadSecondFactors(api), 'factors');
  const methods = useResource(() => loadSignInMethods(api), 'methods');
  const [codes, setCodes] = useState<string[] | null>(null);
  const showCodes = (fresh: string[]) => {
    setCodes(fresh);
    factors.reload();
  };
  return (
    <>
      <PageTitle>Security</PageTitle>
      <p className="muted">
        A second factor protects your account if your password leaks: with an
        authenticator app or a passkey, signing in with your password also asks
        for it.
      </p>
      {codes && (
        <RecoveryCodes
          codes={codes}
          username={user.username}
          onDone={() => setCodes(null)}
        />
      )}
      <section className="card" aria-labelledby="totp-title">
        <h2 id="totp-title">Authenticator app</h2>
        <Loadable resource={factors}>
          {(status) =>
            status.totp.enabled ? (
              <TotpOn
                status={status}
                hasPassword={methods.data?.has_password ?? true}
                onChanged={factors.reload}
                onNewCodes={showCodes}
              />
            ) : (
              <TotpEnrol pending={status.totp.pending} onEnabled={showCodes} />
            )
          }
        </Loadable>
      </section>
      <Passkeys />
    </>
  );
}

function TotpEnrol({
  pending,
  onEnabled,
}: {
  pending: boolean;
  onEnabled: (codes: string[]) => void;
}) {
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const steps = useRef<HTMLOListElement>(null);
  useEffect(() => {
    if (enrolment) {
      steps.current?.focus();
    }
  }, [enrolment]);
  const form = useForm(
    { code: '' },
    async ({ code }) => {
      const problem = totpCodeProblem(code);
      if (problem) {
        throw new LocalProblem(problem);
      }
      const codes = await confirmTotp(api, code);
      // The secret is in the app now; the page forgets it.
      setEnrolment(null);
      onEnabled(codes);
    },
    {
      mapError: (error) =>
        error instanceof LocalProblem
          ? { byField: { code: [error.message] }, form: null }
          : null,
    },
  );

  function start() {
    setStarting(true);
    setError(null);
    startTotp(api).then(
      (started) => {
        setEnrolment(started);
        setStarting(false);
      },
      (e: unknown) => {
        setError(errorText(e));
        setStarting(false);
      },
    );
  }

  if (!enrolment) {
    return (
      <>
        <p>
          Off. An app such as Aegis, Google Authenticator or 1Password shows a
          new 6-digit code every 30 seconds, which signing in then asks for.
        </p>
        {pending && (
          <p className="muted">
            A setup was started and not finished: starting again makes a new
            key.
          </p>
        )}
        {error && (
          <p className="notice error" role="alert">
            {error}
          </p>
        )}
        <button
          type="button"
          className="primary"
          disabled={starting}
          onClick={start}
        >
          Set up an authenticator app
        </button>
      </>
    );
  }
  return (
    <form onSubmit={form.onSubmit} noValidate>
      <ol
        ref={steps}
        tabIndex={-1}
        className="steps"
        aria-label="Setting up the app"
      >
        <li>
          <p>Scan this QR code with the app:</p>
          <img
            className="qr"
            src={enrolment.qr_code}
            alt="QR code holding the key below, for your authenticator app"
            width={200}
            height={200}
          />
        </li>
        <li>
          <p>
            Cannot scan it? Add an account by hand in the app, time-based, with
            this key:
          </p>
          <p>
            <code className="secret" data-testid="totp-secret">
              {groupSecret(enrolment.secret)}
            </code>
          </p>
        </li>
        <li>
          <p>Enter the code the app shows, to check it works:</p>
          <Field
            label="Code from the app"
            inputMode="numeric"
            autoComplete="one-time-code"
            {...form.bind('code')}
          />
        </li>
      </ol>
      {form.formError && (
        <p className="notice error" role="alert">
          {form.formError}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={form.busy}>
          {form.busy ? 'Checking…' : 'Turn on'}
        </button>
        <button type="button" onClick={() => setEnrolment(null)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** A check made before asking the server, shown beside its field. */
class LocalProblem extends Error {}

function TotpOn({
  status,
  hasPassword,
  onChanged,
  onNewCodes,
}: {
  status: SecondFactorStatus;
  hasPassword: boolean;
  onChanged: () => void;
  onNewCodes: (codes: string[]) => void;
}) {
  const summary = recoveryCodesSummary(status.recovery_codes.remaining);
  const form = useForm(
    { password: '', code: '' },
    async ({ password, code }, { reset }) => {
      await disableTotp(api, {
        password: hasPassword ? password : null,
        code,
      });
      reset();
      onChanged();
    },
    // 403: the password or the code is wrong, which the message names.
    { fieldStatuses: [400, 403] },
  );
  return (
    <>
      <p>
        <strong>On.</strong> Signing in with your password asks for a code from
        the app.
      </p>
      <h3 className="h3">Recovery codes</h3>
      <p className={summary.low ? 'notice error' : undefined}>{summary.text}</p>
      <p className="muted">
        Each works once instead of a code, if you lose your phone. Making new
        ones makes the old ones stop working.
      </p>
      <ConfirmButton
        label="Make new recovery codes"
        confirmLabel="Yes, make new codes"
        question="Make new codes? The ones you have stop working."
        onConfirm={async () => onNewCodes(await regenerateRecoveryCodes(api))}
      />
      <form onSubmit={form.onSubmit} noValidate className="subsection">
        <h3 className="h3">Turn off the app</h3>
        <p className="muted">
          Signing in then asks for no code (unless you have a passkey).
        </p>
        {hasPassword && (
          <Field
            label="Your password"
            type="password"
            autoComplete="current-password"
            {...form.bind('password')}
          />
        )}
        <Field
          label="Code from the app, or a recovery code"
          autoComplete="one-time-code"
          spellCheck={false}
          {...form.bind('code')}
        />
        {form.formError && (
          <p className="notice error" role="alert">
            {form.formError}
          </p>
        )}
        <button type="submit" className="danger" disabled={form.busy}>
          Turn off the authenticator app
        </button>
      </form>
    </>
  );
}

/** The recovery codes, once: copy them, download them, then they are gone from the page. */
function RecoveryCodes({
  codes,
  username,
  onDone,
}: {
  codes: string[];
  username: string;
  onDone: () => void;
}) {
  const [said, setSaid] = useState<string | null>(null);
  const title = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    title.current?.focus();
  }, [codes]);
  const text = () =>
    recoveryCodesFile(codes, {
      username,
      origin: window.location.origin,
      at: new Date(),
    });
  return (
    <section className="notice ok recovery-codes" aria-labelledby="codes-title">
      <h2 id="codes-title" ref={title} tabIndex={-1}>
        Your recovery codes
      </h2>
      <p>
        <strong>Save them now: you will not see them again.</strong> Each signs
        you in once if you lose your authenticator app.
      </p>
      <ol className="codes" data-testid="recovery-codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <div className="actions">
        <button
          type="button"
          className="primary"
          onClick={() => {
            navigator.clipboard.writeText(codes.join('\n')).then(
              () => setSaid('Copied to the clipboard.'),
              () =>
                setSaid(
                  'Copying failed: select the codes and copy them by hand.',
                ),
            );
          }}
        >
          Copy codes
        </button>
        <button
          type="button"
          onClick={() => {
            const url = URL.createObjectURL(
              new Blob([text()], { type: 'text/plain;charset=utf-8' }),
            );
            const link = document.createElement('a');
            link.href = url;
            link.download = 'gatehouse-recovery-codes.txt';
            link.click();
            setTimeout(() => URL.revokeObjectURL(url), 1000);
            setSaid('Downloaded as gatehouse-recovery-codes.txt.');
          }}
        >
          Download as text
        </button>
        <button type="button" onClick={onDone}>
          I have saved them
        </button>
      </div>
      <p role="status">{said}</p>
    </section>
  );
}

function Passkeys() {
  const passkeys = useResource(() => listPasskeys(api), 'passkeys');
  const [supported] = useState(browserSupportsWebAuthn);
  const title = useRef<HTMLHeadingElement>(null);
  return (
    <section aria-labelledby="passkeys-title">
      <h2 id="passkeys-title" ref={title} tabIndex={-1}>
        Passkeys
      </h2>
      <p className="muted">
        A passkey signs you in with your device’s screen lock or a security key,
        without a password, and counts as a second factor.
      </p>
      <Loadable
        resource={passkeys}
        isEmpty={(list) => list.length === 0}
        empty="You have no passkeys yet."
      >
        {(list) => (
          <ul className="cards" aria-labelledby="passkeys-title">
            {list.map((passkey) => (
              <PasskeyCard
                key={passkey.id}
                passkey={passkey}
                onChanged={passkeys.reload}
                onDeleted={() => {
                  title.current?.focus();
                  passkeys.reload();
                }}
              />
            ))}
          </ul>
        )}
      </Loadable>
      {supported ? (
        <AddPasskey onAdded={passkeys.reload} />
      ) : (
        <p className="notice">
          This browser cannot make passkeys. Use a recent browser to add one.
        </p>
      )}
    </section>
  );
}

function AddPasskey({ onAdded }: { onAdded: () => void }) {
  const form = useForm(
    { name: '' },
    async ({ name }, { reset }) => {
      const added = await addPasskey(api, startRegistration, name);
      reset();
      onAdded();
      return `The passkey “${added.name}” is added: you can sign in with it.`;
    },
    { mapError: (error) => ({ byField: {}, form: passkeyErrorText(error) }) },
  );
  return (
    <form className="card" onSubmit={form.onSubmit} noValidate>
      <h3 className="h3">Add a passkey</h3>
      <Field
        label="Name (optional)"
        maxLength={100}
        hint="Where it lives, e.g. “Work laptop” or “Phone”."
        {...form.bind('name')}
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
      <button type="submit" className="primary" disabled={form.busy}>
        {form.busy ? 'Waiting for the passkey…' : 'Add a passkey'}
      </button>
    </form>
  );
}

function PasskeyCard({
  passkey,
  onChanged,
  onDeleted,
}: {
  passkey: Passkey;
  onChanged: () => void;
  onDeleted: () => void;
}) {
  const [renaming, setRenaming] = useState(false);
  return (
    <li className="card">
      <h3 className="h3">{passkey.name}</h3>
      <dl>
        <dt>Kind</dt>
        <dd>{passkeyKind(passkey)}</dd>
        <dt>Added</dt>
        <dd>{formatDateTime(passkey.created_at)}</dd>
        <dt>Last used</dt>
        <dd>
          {passkey.last_used_at
            ? formatDateTime(passkey.last_used_at)
            : 'Never'}
        </dd>
      </dl>
      {renaming ? (
        <RenameForm
          passkey={passkey}
          onDone={(changed) => {
            setRenaming(false);
            if (changed) {
              onChanged();
            }
          }}
        />
      ) : (
        <div className="actions">
          <button
            type="button"
            aria-label={`Rename ${passkey.name}`}
            onClick={() => setRenaming(true)}
          >
            Rename
          </button>
          <ConfirmButton
            label="Delete"
            confirmLabel="Yes, delete"
            question={`Delete the passkey “${passkey.name}”? You can no longer sign in with it.`}
            onConfirm={async () => {
              await deletePasskey(api, passkey.id);
              onDeleted();
            }}
          />
        </div>
      )}
    </li>
  );
}

function RenameForm({
  passkey,
  onDone,
}: {
  passkey: Passkey;
  onDone: (changed: boolean) => void;
}) {
  const form = useForm({ name: passkey.name }, async ({ name }) => {
    await renamePasskey(api, passkey.id, name);
    onDone(true);
  });
  return (
    <form onSubmit={form.onSubmit} noValidate>
      <Field
        label={`New name for ${passkey.name}`}
        maxLength={100}
        autoFocus
        {...form.bind('name')}
      />
      {form.formError && (
        <p className="notice error" role="alert">
          {form.formError}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={form.busy}>
          Save name
        </button>
        <button type="button" onClick={() => onDone(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

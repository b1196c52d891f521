import { useCallback, useEffect, useRef, useState } from 'react';
import { api, type User } from '../api';
import { Link, PageTitle, useResource } from '../components/ui';
import {
  clientLabel,
  finishInteraction,
  type InteractionAction,
  interactionProblem,
  loadInteraction,
  type Problem,
  redirectTarget,
} from '../oauth';
import { SignInForm } from './sign-in';

/**
 * `/authorize/:uid`, where the OAuth provider sends the browser: sign in (or continue as the
 * console's user), then allow or deny what the app asks. Every outcome is either a full
 * navigation to the server's `redirectTo` or a message on this page, never a redirect of its own.
 */
export function AuthorizePage({
  uid,
  user,
  onSignedIn,
  onSignOut,
}: {
  uid: string;
  user: User | null;
  onSignedIn: (user: User) => void;
  onSignOut: () => Promise<void>;
}) {
  const interaction = useResource(() => loadInteraction(api, uid), uid);
  const [busy, setBusy] = useState<InteractionAction | null>(null);
  const [leaving, setLeaving] = useState(false);
  const [failure, setFailure] = useState<Problem | null>(null);
  const [signedOutHere, setSignedOutHere] = useState(false);

  const act = useCallback(
    async (action: InteractionAction) => {
      setBusy(action);
      setFailure(null);
      try {
        const to = redirectTarget(
          await finishInteraction(api, uid, action),
          window.location.href,
        );
        setLeaving(true);
        // A full navigation: the OAuth flow goes on on the server. Stay busy until it does.
        window.location.assign(to);
      } catch (error) {
        setFailure(interactionProblem(error));
        setBusy(null);
      }
    },
    [uid],
  );

  if (interaction.error !== undefined) {
    const problem = interactionProblem(interaction.error);
    return (
      <section className="narrow oauth">
        <PageTitle>{problem.title}</PageTitle>
        <ProblemText problem={problem} />
        {problem.next === 'retry' && (
          <button type="button" onClick={interaction.reload}>
            Try again
          </button>
        )}
      </section>
    );
  }
  if (interaction.data === undefined) {
    return (
      <section className="narrow oauth">
        <p className="muted" role="status">
          Loading…
        </p>
      </section>
    );
  }

  const data = interaction.data;
  const name = clientLabel(data.client);
  const notice = failure && <ProblemNotice problem={failure} />;
  const over = failure?.next === 'start-over';
  const goingBack = (
    <p className="notice" role="status">
      Going back to {name}…
    </p>
  );

  if (data.prompt === 'login') {
    return (
      <section className="narrow oauth">
        <PageTitle>{`Sign in to ${name}`}</PageTitle>
        {notice}
        {leaving ? (
          goingBack
        ) : over ? null : user ? (
          <ContinueAs
            user={user}
            busy={busy !== null}
            onContinue={() => void act('login')}
            onSignOut={async () => {
              setSignedOutHere(true);
              await onSignOut();
            }}
          />
        ) : (
          <>
            <p>
              <strong>{name}</strong> asks you to sign in with your Gatehouse
              account.
            </p>
            <SignInForm
              // After a sign-out here the form replaces the focused button: start in it.
              focusFirst={signedOutHere}
              // A sign-in through a provider comes back here, with the console's session.
              next={`/authorize/${encodeURIComponent(uid)}`}
              onSignedIn={(signedIn) => {
                onSignedIn(signedIn);
                void act('login');
              }}
            />
            <p>
              No account yet?{' '}
              <Link
                href={`/sign-up?next=${encodeURIComponent(`/authorize/${encodeURIComponent(uid)}`)}`}
              >
                Create one
              </Link>
              .
            </p>
          </>
        )}
      </section>
    );
  }

  if (data.prompt === 'consent') {
    const account = data.user?.username ?? user?.username;
    return (
      <section className="narrow oauth">
        <PageTitle>{`${name} wants to:`}</PageTitle>
        <ScopeList scopes={data.scopes} />
        {account && (
          <p>
            Signed in to Gatehouse as <strong>{account}</strong>.
          </p>
        )}
        <p className="muted">
          You can disconnect {name} at any time on the Connected apps page.
        </p>
        {notice}
        {leaving ? (
          goingBack
        ) : over ? null : (
          <div className="actions">
            <button
              type="button"
              className="primary"
              disabled={busy !== null}
              onClick={() => void act('consent')}
            >
              {busy === 'consent' ? 'Allowing…' : 'Allow'}
            </button>
            <button
              type="button"
              disabled={busy !== null}
              onClick={() => void act('deny')}
            >
              {busy === 'deny' ? 'Denying…' : 'Deny'}
            </button>
          </div>
        )}
      </section>
    );
  }

  return (
    <section className="narrow oauth">
      <PageTitle>Something went wrong</PageTitle>
      <p>
        {name} asked for a step this page does not know (
        <code>{String(data.prompt)}</code>). Go back to the app you came from
        and start again.
      </p>
    </section>
  );
}

function ContinueAs({
  user,
  busy,
  onContinue,
  onSignOut,
}: {
  user: User;
  busy: boolean;
  onContinue: () => void;
  onSignOut: () => Promise<void>;
}) {
  const [signingOut, setSigningOut] = useState(false);
  return (
    <>
      <p className="lead">
        Continue as <strong>{user.username}</strong>
      </p>
      <div className="actions">
        <button
          type="button"
          className="primary"
          disabled={busy || signingOut}
          onClick={onContinue}
        >
          {busy ? 'Continuing…' : 'Continue'}
        </button>
      </div>
      <p>
        Not you?{' '}
        <button
          type="button"
          className="link"
          disabled={busy || signingOut}
          onClick={() => {
            setSigningOut(true);
            void onSignOut();
          }}
        >
          Sign out
        </button>
      </p>
    </>
  );
}

/** Each scope's description, with its name small beside it for those who know them. */
export function ScopeList({
  scopes,
}: {
  scopes: { name: string; description: string }[];
}) {
  if (scopes.length === 0) {
    return (
      <ul className="scopes">
        <li>Know which Gatehouse account is yours</li>
      </ul>
    );
  }
  return (
    <ul className="scopes">
      {scopes.map((scope) => (
        <li key={scope.name}>
          {scope.description || scope.name}{' '}
          <code className="scope-name">{scope.name}</code>
        </li>
      ))}
    </ul>
  );
}

function ProblemText({ problem }: { problem: Problem }) {
  return (
    <>
      <p>{problem.text}</p>
      {problem.detail && (
        <p className="muted small">The server said: {problem.detail}</p>
      )}
    </>
  );
}

/** A failed answer: announced, and focused, since the button that had the focus may be gone. */
function ProblemNotice({ problem }: { problem: Problem }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, [problem]);
  return (
    <div ref={ref} className="notice error" role="alert" tabIndex={-1}>
      <h2 className="h3">{problem.title}</h2>
      <ProblemText problem={problem} />
    </div>
  );
}

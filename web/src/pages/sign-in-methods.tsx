import { useEffect, useRef, useState } from 'react';
import { api, type User } from '../api';
import {
  ConfirmButton,
  Field,
  Link,
  Loadable,
  PageTitle,
  useResource,
} from '../components/ui';
import { useForm } from '../components/use-form';
import {
  type AuthProvider,
  linkableProviders,
  linkedMessage,
  listProviders,
  loadSignInMethods,
  messageFromQuery,
  providerLinkUrl,
  setFirstPassword,
  type SignInMethods,
  unlinkIdentity,
} from '../external-auth';
import { formatDateTime } from '../format';

/**
 * `/sign-in-methods`: the password (or setting a first one) and the external accounts linked to
 * this one: unlink one, link another. Linking leaves for the provider with a full navigation;
 * the server sends the browser back here with `?linked=<provider>` or `?error=<message>`.
 */
export function SignInMethodsPage({
  user,
  query,
}: {
  user: User;
  query: URLSearchParams;
}) {
  const methods = useResource(() => loadSignInMethods(api), 'methods');
  const providers = useResource(() => listProviders(api), 'providers');
  const [passwordSet, setPasswordSet] = useState(false);
  // Where the focus goes when what had it (an unlinked account's button) is gone.
  const linkedTitle = useRef<HTMLHeadingElement>(null);
  const error = messageFromQuery(query, 'error');
  const linked = methods.data
    ? linkedMessage(query, methods.data.identities)
    : null;

  return (
    <>
      <PageTitle>Sign-in methods</PageTitle>
      <p className="muted">
        The ways you can sign in to your account{' '}
        <strong>{user.username}</strong>.
      </p>
      {error && (
        <div className="notice error" role="alert">
          <p>The account was not linked: {error}</p>
        </div>
      )}
      {linked && (
        <p className="notice ok" role="status">
          {linked}
        </p>
      )}
      <Loadable resource={methods}>
        {(data) => (
          <>
            <section className="card" aria-labelledby="password-title">
              <h2 id="password-title">Password</h2>
              {data.has_password ? (
                <>
                  {passwordSet && <PasswordSet username={user.username} />}
                  <p>
                    Your account has a password. You can change it on your{' '}
                    <Link href="/profile">profile</Link>.
                  </p>
                </>
              ) : (
                <SetPasswordForm
                  username={user.username}
                  onSet={() => {
                    setPasswordSet(true);
                    methods.reload();
                  }}
                />
              )}
            </section>
            <section aria-labelledby="linked-title">
              <h2 id="linked-title" ref={linkedTitle} tabIndex={-1}>
                Linked accounts
              </h2>
              <LinkedIdentities
                // A password set since: a refusal to unlink shown before no longer holds.
                key={String(data.has_password)}
                methods={data}
                onUnlinked={() => {
                  linkedTitle.current?.focus();
                  methods.reload();
                }}
              />
              <LinkButtons methods={data} providers={providers.data} />
            </section>
          </>
        )}
      </Loadable>
    </>
  );
}

/** Said, and focused: the form whose button had the focus is gone. */
function PasswordSet({ username }: { username: string }) {
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <p ref={ref} className="notice ok" role="status" tabIndex={-1}>
      Your password is set. You can now sign in with your username{' '}
      <strong>{username}</strong> and it.
    </p>
  );
}

function SetPasswordForm({
  username,
  onSet,
}: {
  username: string;
  onSet: () => void;
}) {
  const form = useForm({ password: '' }, async ({ password }, { reset }) => {
    await setFirstPassword(api, password);
    reset();
    onSet();
  });
  return (
    <form onSubmit={form.onSubmit} noValidate>
      <p>
        Your account has no password yet: you sign in through a linked account.
        Set a password to sign in with your username <strong>{username}</strong>{' '}
        as well.
      </p>
      {form.formError && (
        <p className="notice error" role="alert">
          {form.formError}
        </p>
      )}
      {/* Gives the password manager the account the new password belongs to. */}
      <input
        type="text"
        name="username"
        autoComplete="username"
        value={username}
        readOnly
        hidden
      />
      <Field
        label="New password"
        type="password"
        autoComplete="new-password"
        hint="At least 8 characters."
        required
        {...form.bind('password')}
      />
      <button type="submit" className="primary" disabled={form.busy}>
        {form.busy ? 'Setting…' : 'Set a password'}
      </button>
    </form>
  );
}

function LinkedIdentities({
  methods,
  onUnlinked,
}: {
  methods: SignInMethods;
  onUnlinked: () => void;
}) {
  if (methods.identities.length === 0) {
    return (
      <p className="notice empty">No external account is linked to yours.</p>
    );
  }
  // Cards rather than a table: the confirmation and the server's refusal need room at 360 px.
  return (
    <ul className="cards" aria-labelledby="linked-title">
      {methods.identities.map((identity) => {
        const label = identity.display_name.trim() || identity.provider;
        return (
          <li key={identity.id} className="card">
            <h3 className="h3">{label}</h3>
            <dl>
              <dt>Email</dt>
              <dd>{identity.email ?? '—'}</dd>
              <dt>Linked since</dt>
              <dd>{formatDateTime(identity.linked_at)}</dd>
            </dl>
            <ConfirmButton
              label={`Unlink ${label}`}
              confirmLabel="Yes, unlink"
              question={`Unlink ${label}? You can no longer sign in with it.`}
              onConfirm={async () => {
                // A 409 (it is the last way to sign in) is shown by the button.
                await unlinkIdentity(api, identity.id);
                onUnlinked();
              }}
            />
          </li>
        );
      })}
    </ul>
  );
}

/** "Link <provider>" for each configured provider not linked yet: full navigations. */
function LinkButtons({
  methods,
  providers,
}: {
  methods: SignInMethods;
  providers: AuthProvider[] | undefined;
}) {
  if (providers === undefined) {
    return null;
  }
  if (providers.length === 0) {
    return (
      <p className="muted">This server offers no external sign-in providers.</p>
    );
  }
  const linkable = linkableProviders(providers, methods.identities);
  if (linkable.length === 0) {
    return (
      <p className="muted">Every provider this server offers is linked.</p>
    );
  }
  return (
    <>
      <p>
        Link another account to sign in with it. You will be asked to sign in
        there and then come back here.
      </p>
      <ul className="providers-inline" aria-label="Link another account">
        {linkable.map((provider) => (
          <li key={provider.name}>
            <a
              className="button"
              href={providerLinkUrl(provider.name, api.csrf)}
            >
              Link {provider.display_name}
            </a>
          </li>
        ))}
      </ul>
    </>
  );
}

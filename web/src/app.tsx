import { useCallback, useEffect, useState } from 'react';
import { api, errorText, type User } from './api';
import { type ReauthRequest, ReauthDialog } from './components/reauth-dialog';
import { Link, PageTitle } from './components/ui';
import {
  AdminAuditPage,
  AdminUsagePage,
  AdminUserPage,
  AdminUsersPage,
} from './pages/admin';
import { AppsPage } from './pages/apps';
import { AuthorizePage } from './pages/authorize';
import { DevicePage } from './pages/device';
import { KeysPage } from './pages/keys';
import {
  AdminOAuthClientPage,
  AdminOAuthClientsPage,
} from './pages/oauth-clients';
import { useLinkOpened } from './pages/link-token';
import { ForgotPasswordPage, ResetPasswordPage } from './pages/password-reset';
import { ProfilePage } from './pages/profile';
import { SecondFactorPage } from './pages/second-factor';
import { SecurityPage } from './pages/security';
import { SessionsPage } from './pages/sessions';
import { SignInPage } from './pages/sign-in';
import { SignInMethodsPage } from './pages/sign-in-methods';
import { SignUpPage } from './pages/sign-up';
import { UsagePage } from './pages/usage';
import { VerifyEmailPage } from './pages/verify-email';
import {
  isOpenPath,
  LINK_PATHS,
  matchPath,
  navigate,
  PUBLIC_PATHS,
  redirectFor,
  safeNext,
  useLocation,
} from './router';

const NAV = [
  { href: '/profile', label: 'Profile' },
  { href: '/sign-in-methods', label: 'Sign-in methods' },
  { href: '/security', label: 'Security' },
  { href: '/keys', label: 'API keys' },
  { href: '/sessions', label: 'Sessions' },
  { href: '/usage', label: 'Usage' },
  { href: '/apps', label: 'Connected apps' },
  { href: '/device', label: 'Connect a device' },
];
const ADMIN_NAV = [
  { href: '/admin/users', label: 'Users' },
  { href: '/admin/audit', label: 'Audit log' },
  { href: '/admin/usage', label: 'All usage' },
  { href: '/admin/oauth-clients', label: 'OAuth clients' },
];

export function App() {
  // undefined: still asking the server whether this browser is signed in.
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [startError, setStartError] = useState<unknown>(null);
  const [reauth, setReauth] = useState<ReauthRequest | null>(null);
  const { path, query } = useLocation();
  const linkOpened = useLinkOpened();

  // A sensitive action refused for want of a recent sign-in: ask, then api.ts retries it.
  useEffect(() => {
    api.onReauthenticationRequired = () =>
      new Promise<boolean>((resolve) => setReauth({ resolve }));
    return () => {
      api.onReauthenticationRequired = null;
    };
  }, []);

  useEffect(() => {
    api.resume().then(setUser, setStartError);
  }, []);

  // Any 401 means the session is over (signed out elsewhere, disabled, expired).
  useEffect(() => {
    api.onUnauthorized = () => {
      setUser(null);
      setReauth((open) => {
        open?.resolve(false);
        return null;
      });
      // The OAuth pages show their own sign-in form and keep their address.
      if (isOpenPath(window.location.pathname)) {
        return;
      }
      const here = window.location.pathname + window.location.search;
      navigate(
        PUBLIC_PATHS.includes(window.location.pathname)
          ? here
          : `/sign-in?next=${encodeURIComponent(here)}&ended=1`,
        { replace: true },
      );
    };
  }, []);

  const signedIn = useCallback(
    (next: User) => {
      setUser(next);
      navigate(safeNext(query.get('next')), { replace: true });
    },
    [query],
  );

  // The second step after a provider's sign-in carries its own `next` (in the fragment).
  const signedInAfterStep = useCallback((next: User, to: string | null) => {
    setUser(next);
    navigate(safeNext(to), { replace: true });
  }, []);

  const accountDeleted = useCallback(() => {
    setUser(null);
    navigate('/sign-in?deleted=1', { replace: true });
  }, []);

  const signedOut = useCallback(() => {
    api.setCsrfToken(null);
    setUser(null);
    navigate('/sign-in', { replace: true });
  }, []);

  useEffect(() => {
    if (user !== undefined) {
      const to = redirectFor(user !== null, path, query);
      if (to !== null) {
        navigate(to, { replace: true });
      }
    }
  }, [user, path, query]);

  // Signing in or out on an OAuth page keeps the browser where it is.
  const signedInHere = useCallback((next: User) => setUser(next), []);
  const signedOutHere = useCallback(async () => {
    await api.delete('/api/session').catch(() => undefined);
    api.setCsrfToken(null);
    setUser(null);
  }, []);

  if (startError) {
    return (
      <main id="main" className="narrow">
        <PageTitle>Gatehouse</PageTitle>
        <p className="notice error" role="alert">
          {errorText(startError)}
        </p>
        <button type="button" onClick={() => window.location.reload()}>
          Try again
        </button>
      </main>
    );
  }
  if (user === undefined) {
    return (
      <main id="main" className="narrow">
        <p role="status">Loading…</p>
      </main>
    );
  }

  const authorize = matchPath('/authorize/:uid', path);
  if (authorize || (path === '/device' && user === null)) {
    // Reached from another app or device: no navigation to lose the way in, only the name.
    return (
      <>
        <header className="top bare">
          <span className="brand">Gatehouse</span>
        </header>
        <main id="main">
          {authorize ? (
            <AuthorizePage
              key={authorize.uid}
              uid={authorize.uid}
              user={user}
              onSignedIn={signedInHere}
              onSignOut={signedOutHere}
            />
          ) : (
            <DevicePage query={query} />
          )}
        </main>
      </>
    );
  }

  const isAdmin = user?.roles.includes('admin') ?? false;
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link href={user ? '/profile' : '/sign-in'} className="brand">
          Gatehouse
        </Link>
        {user && (
          <nav aria-label="Main">
            <ul>
              {[...NAV, ...(isAdmin ? ADMIN_NAV : [])].map((item) => (
                <li key={item.href}>
                  <Link
                    href={item.href}
                    aria-current={
                      path === item.href || path.startsWith(`${item.href}/`)
                        ? 'page'
                        : undefined
                    }
                  >
                    {item.label}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
        )}
        {user && (
          <div className="account">
            <span className="muted">{user.username}</span>
            <button
              type="button"
              onClick={() => {
                api.delete('/api/session').then(signedOut, signedOut);
              }}
            >
              Sign out
            </button>
          </div>
        )}
      </header>
      <main id="main">
        {LINK_PATHS.includes(path) ? (
          // The same page signed in or out: resetting a password signs this browser out too.
          path === '/reset-password' ? (
            <ResetPasswordPage
              key={linkOpened}
              onReset={() => {
                api.setCsrfToken(null);
                setUser(null);
              }}
            />
          ) : (
            <VerifyEmailPage
              key={linkOpened}
              user={user}
              onVerified={setUser}
            />
          )
        ) : user === null ? (
          path === '/sign-up' ? (
            <SignUpPage onSignedIn={signedIn} />
          ) : path === '/forgot-password' ? (
            <ForgotPasswordPage />
          ) : path === '/sign-in/second-factor' ? (
            <SecondFactorPage onSignedIn={signedInAfterStep} />
          ) : (
            <>
              {query.get('deleted') && (
                <p className="notice ok" role="status">
                  Your account is deleted.
                </p>
              )}
              {query.get('ended') && (
                <p className="notice" role="status">
                  Your session has ended. Please sign in again.
                </p>
              )}
              <SignInPage query={query} onSignedIn={signedIn} />
            </>
          )
        ) : (
          <SignedInPage
            path={path}
            query={query}
            user={user}
            setUser={setUser}
            signedOut={signedOut}
            accountDeleted={accountDeleted}
          />
        )}
      </main>
      <ReauthDialog
        request={reauth}
        username={user?.username ?? ''}
        onClosed={() => setReauth(null)}
      />
    </>
  );
}

function SignedInPage({
  path,
  query,
  user,
  setUser,
  signedOut,
  accountDeleted,
}: {
  path: string;
  query: URLSearchParams;
  user: User;
  setUser: (user: User) => void;
  signedOut: () => void;
  accountDeleted: () => void;
}) {
  const isAdmin = user.roles.includes('admin');
  if (path === '/profile' || path === '/' || PUBLIC_PATHS.includes(path)) {
    return (
      <ProfilePage user={user} onChanged={setUser} onDeleted={accountDeleted} />
    );
  }
  if (path === '/sign-in-methods') {
    return <SignInMethodsPage user={user} query={query} />;
  }
  if (path === '/security') {
    return <SecurityPage user={user} />;
  }
  if (path === '/keys') {
    return <KeysPage />;
  }
  if (path === '/sessions') {
    return <SessionsPage onSignedOut={signedOut} />;
  }
  if (path === '/usage') {
    return <UsagePage />;
  }
  if (path === '/apps') {
    return <AppsPage />;
  }
  if (path === '/device') {
    return <DevicePage query={query} />;
  }
  if (path.startsWith('/admin') && !isAdmin) {
    return <NotAllowed />;
  }
  if (path === '/admin/users') {
    return <AdminUsersPage key={query.toString()} query={query} />;
  }
  const userMatch = matchPath('/admin/users/:id', path);
  if (userMatch) {
    return <AdminUserPage key={userMatch.id} id={userMatch.id} me={user} />;
  }
  if (path === '/admin/audit') {
    return <AdminAuditPage key={query.toString()} query={query} />;
  }
  if (path === '/admin/usage') {
    return <AdminUsagePage query={query} />;
  }
  if (path === '/admin/oauth-clients') {
    return <AdminOAuthClientsPage />;
  }
  const clientMatch = matchPath('/admin/oauth-clients/:clientId', path);
  if (clientMatch) {
    return (
      <AdminOAuthClientPage
        key={clientMatch.clientId}
        clientId={clientMatch.clientId}
      />
    );
  }
  return (
    <>
      <PageTitle>Page not found</PageTitle>
      <p>
        There is no page at <code>{path}</code>.{' '}
        <Link href="/profile">Go to your profile</Link>.
      </p>
    </>
  );
}

function NotAllowed() {
  return (
    <>
      <PageTitle>Not allowed</PageTitle>
      <p>This page is for administrators.</p>
    </>
  );
}

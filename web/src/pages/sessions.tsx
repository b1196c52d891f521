import { api } from '../api';
import {
  ConfirmButton,
  Loadable,
  PageTitle,
  useResource,
} from '../components/ui';
import { describeDevice } from '../device';
import { formatDateTime } from '../format';

interface SessionItem {
  id: string;
  created_at: string;
  last_seen_at: string;
  ip: string | null;
  user_agent: string | null;
  current: boolean;
}

export function SessionsPage({ onSignedOut }: { onSignedOut: () => void }) {
  const sessions = useResource(
    () => api.get<SessionItem[]>('/api/sessions'),
    'sessions',
  );
  return (
    <>
      <PageTitle>Sessions</PageTitle>
      <p className="muted">Every browser signed in to your account.</p>
      <Loadable
        resource={sessions}
        isEmpty={(list) => list.length === 0}
        empty="No sessions."
      >
        {(list) => (
          <ul className="cards">
            {list.map((session) => (
              <li key={session.id} className="card">
                <h2 className="h3">
                  {describeDevice(session.user_agent)}
                  {session.current && (
                    <span className="badge">This session</span>
                  )}
                </h2>
                <dl>
                  <dt>IP address</dt>
                  <dd>{session.ip ?? 'unknown'}</dd>
                  <dt>Signed in</dt>
                  <dd>{formatDateTime(session.created_at)}</dd>
                  <dt>Last seen</dt>
                  <dd>{formatDateTime(session.last_seen_at)}</dd>
                </dl>
                <ConfirmButton
                  label={session.current ? 'Sign out here' : 'End session'}
                  confirmLabel="Yes, end it"
                  question={
                    session.current
                      ? 'Sign out of this browser?'
                      : 'End this session?'
                  }
                  onConfirm={async () => {
                    await api.delete(
                      `/api/sessions/${encodeURIComponent(session.id)}`,
                    );
                    if (session.current) {
                      onSignedOut();
                    } else {
                      sessions.reload();
                    }
                  }}
                />
              </li>
            ))}
          </ul>
        )}
      </Loadable>
      <section className="card">
        <h2>Sign out everywhere</h2>
        <p className="muted">
          Ends every session, token and refresh token of yours, this browser
          included. API keys keep working.
        </p>
        <ConfirmButton
          label="Sign out everywhere"
          confirmLabel="Yes, sign out everywhere"
          question="Sign out of every device?"
          onConfirm={async () => {
            await api.post('/api/logout/all');
            onSignedOut();
          }}
        />
      </section>
    </>
  );
}

import { type FormEvent, useState } from 'react';
import { api, errorText, type User } from '../api';
import {
  ConfirmButton,
  Field,
  Link,
  Loadable,
  PageTitle,
  Pager,
  Table,
  useResource,
} from '../components/ui';
import { formatDateTime } from '../format';
import { navigate } from '../router';
import { thirtyDays, type UsageDay } from '../usage';
import { UsageChart } from './usage';
import { AUDIT_TYPES } from '../audit-types';
import {
  describeUserFactors,
  hasAnyFactor,
  loadUserFactors,
  resetUserFactors,
} from '../second-factors';

interface Page<T> {
  items: T[];
  total: number;
  page: number;
  limit: number;
}

const LIMIT = 20;

/** A list's query string without its empty values. */
function queryString(values: Record<string, string | number>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) {
    if (value !== '' && value !== 0) {
      query.set(name, String(value));
    }
  }
  const text = query.toString();
  return text ? `?${text}` : '';
}

function displayName(user: User): string {
  const names = [user.first_name, user.last_name].filter(Boolean).join(' ');
  return names || '—';
}

export function AdminUsersPage({ query }: { query: URLSearchParams }) {
  const search = query.get('search') ?? '';
  const page = Math.max(1, Number(query.get('page')) || 1);
  const key = queryString({ search, page, limit: LIMIT });
  const users = useResource(() => api.get<Page<User>>(`/api/users${key}`), key);
  const [text, setText] = useState(search);

  function submit(event: FormEvent) {
    event.preventDefault();
    navigate(`/admin/users${queryString({ search: text.trim() })}`);
  }

  return (
    <>
      <PageTitle>Users</PageTitle>
      <form className="search" role="search" onSubmit={submit}>
        <label htmlFor="user-search">Search users</label>
        <input
          id="user-search"
          type="search"
          value={text}
          maxLength={100}
          placeholder="username, email or name"
          onChange={(event) => setText(event.target.value)}
        />
        <button type="submit">Search</button>
      </form>
      <Loadable
        resource={users}
        isEmpty={(answer) => answer.items.length === 0}
        empty={search ? `No user matches “${search}”.` : 'No users.'}
      >
        {(answer) => (
          <>
            <Table
              columns={[
                'Username',
                'Name',
                'Email',
                'Roles',
                'Status',
                'Created',
              ]}
            >
              {answer.items.map((user) => (
                <tr key={user.id}>
                  <td>
                    <Link href={`/admin/users/${user.id}`}>
                      {user.username}
                    </Link>
                  </td>
                  <td>{displayName(user)}</td>
                  <td>{user.email ?? '—'}</td>
                  <td>{user.roles.join(', ')}</td>
                  <td>{user.disabled ? 'Disabled' : 'Active'}</td>
                  <td>{formatDateTime(user.created_at)}</td>
                </tr>
              ))}
            </Table>
            <Pager
              page={answer.page}
              limit={answer.limit}
              total={answer.total}
              onPage={(next) =>
                navigate(`/admin/users${queryString({ search, page: next })}`)
              }
            />
          </>
        )}
      </Loadable>
    </>
  );
}

export function AdminUserPage({ id, me }: { id: string; me: User }) {
  const user = useResource(
    () => api.get<{ user: User }>(`/api/users/${encodeURIComponent(id)}`),
    `user:${id}`,
  );
  const [days] = useState(thirtyDays);
  const usage = useResource(
    () =>
      api.get<{ items: { count: number; days: UsageDay[] }[] }>(
        `/api/usage?user_id=${encodeURIComponent(id)}&from=${days[0]}&to=${days[days.length - 1]}`,
      ),
    `usage:${id}`,
  );
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(
    null,
  );

  async function change(
    body: { disabled?: boolean; roles?: string[] },
    done: string,
  ) {
    setStatus(null);
    try {
      await api.patch(`/api/users/${encodeURIComponent(id)}`, body);
      setStatus({ ok: true, text: done });
      user.reload();
    } catch (error) {
      setStatus({ ok: false, text: errorText(error) });
    }
  }

  return (
    <>
      <PageTitle>User</PageTitle>
      <p>
        <Link href="/admin/users">← All users</Link>
      </p>
      <Loadable resource={user}>
        {({ user: shown }) => {
          const admin = shown.roles.includes('admin');
          const self = shown.id === me.id;
          return (
            <>
              <section className="card">
                <h2>{shown.username}</h2>
                <dl>
                  <dt>Name</dt>
                  <dd>{displayName(shown)}</dd>
                  <dt>Email</dt>
                  <dd>
                    {shown.email ?? '—'}
                    {shown.email && shown.email_verified === false
                      ? ' (not verified)'
                      : ''}
                    {shown.pending_email
                      ? ` (changing to ${shown.pending_email}, not confirmed)`
                      : ''}
                  </dd>
                  <dt>Roles</dt>
                  <dd>{shown.roles.join(', ')}</dd>
                  <dt>Status</dt>
                  <dd>{shown.disabled ? 'Disabled' : 'Active'}</dd>
                  <dt>Created</dt>
                  <dd>{formatDateTime(shown.created_at)}</dd>
                </dl>
                {status && (
                  <p
                    className={status.ok ? 'notice ok' : 'notice error'}
                    role={status.ok ? 'status' : 'alert'}
                  >
                    {status.text}
                  </p>
                )}
                <div className="actions">
                  <button
                    type="button"
                    disabled={self}
                    onClick={() =>
                      void change(
                        { disabled: !shown.disabled },
                        shown.disabled
                          ? 'The account is enabled.'
                          : 'The account is disabled: its sessions, tokens and keys stop working.',
                      )
                    }
                  >
                    {shown.disabled ? 'Enable account' : 'Disable account'}
                  </button>
                  <button
                    type="button"
                    disabled={self}
                    onClick={() =>
                      void change(
                        { roles: admin ? ['user'] : ['user', 'admin'] },
                        admin
                          ? 'No longer an administrator.'
                          : 'Now an administrator.',
                      )
                    }
                  >
                    {admin ? 'Remove admin role' : 'Make admin'}
                  </button>
                  {!self && (
                    <ConfirmButton
                      label="Delete account"
                      confirmLabel="Yes, delete"
                      question={`Delete ${shown.username} and everything theirs? This cannot be undone.`}
                      onConfirm={async () => {
                        await api.delete(
                          `/api/users/${encodeURIComponent(id)}`,
                        );
                        navigate('/admin/users');
                      }}
                    />
                  )}
                </div>
                {self && <p className="muted">This is your own account.</p>}
              </section>
              <UserFactors id={id} username={shown.username} />
              <h2>Usage</h2>
              <Loadable resource={usage}>
                {(answer) => (
                  <UsageChart
                    answer={answer.items[0] ?? { count: 0, days: [] }}
                    days={days}
                    keys={[]}
                  />
                )}
              </Loadable>
            </>
          );
        }}
      </Loadable>
    </>
  );
}

/** A user's second factors, and resetting them for someone who lost theirs. */
function UserFactors({ id, username }: { id: string; username: string }) {
  const factors = useResource(() => loadUserFactors(api, id), `factors:${id}`);
  const [reset, setReset] = useState(false);
  return (
    <section className="card" aria-labelledby="factors-title">
      <h2 id="factors-title">Second factors</h2>
      <Loadable resource={factors}>
        {(shown) => (
          <>
            <p>{describeUserFactors(shown)}</p>
            {reset && (
              <p className="notice ok" role="status">
                The second factors are reset: {username} signs in with the
                password alone until they set up new ones.
              </p>
            )}
            {hasAnyFactor(shown) || shown.recovery_codes > 0 ? (
              <ConfirmButton
                label="Reset second factors"
                confirmLabel="Yes, reset them"
                question={`Remove ${username}’s authenticator app, recovery codes and passkeys? Do this only once you are sure who asks.`}
                onConfirm={async () => {
                  await resetUserFactors(api, id);
                  setReset(true);
                  factors.reload();
                }}
              />
            ) : null}
          </>
        )}
      </Loadable>
    </section>
  );
}

interface AuditEvent {
  id: string;
  occurred_at: string;
  type: string;
  outcome: string;
  user_id: string | null;
  actor_id: string | null;
  username: string | null;
  ip: string | null;
  request_id: string | null;
}

const AUDIT_FILTERS = ['type', 'outcome', 'username', 'from', 'to'] as const;

export function AdminAuditPage({ query }: { query: URLSearchParams }) {
  const filters = Object.fromEntries(
    AUDIT_FILTERS.map((name) => [name, query.get(name) ?? '']),
  ) as Record<(typeof AUDIT_FILTERS)[number], string>;
  const page = Math.max(1, Number(query.get('page')) || 1);
  const key = queryString({ ...filters, page, limit: LIMIT });
  const events = useResource(
    () => api.get<Page<AuditEvent>>(`/api/audit${key}`),
    key,
  );
  const [form, setForm] = useState(filters);

  const set =
    (name: keyof typeof form) => (event: { target: { value: string } }) =>
      setForm((previous) => ({ ...previous, [name]: event.target.value }));

  return (
    <>
      <PageTitle>Audit log</PageTitle>
      <form
        className="filters"
        onSubmit={(event) => {
          event.preventDefault();
          navigate(`/admin/audit${queryString(form)}`);
        }}
      >
        <div className="field">
          <label htmlFor="audit-type">Event</label>
          <select id="audit-type" value={form.type} onChange={set('type')}>
            <option value="">Any</option>
            {AUDIT_TYPES.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-outcome">Outcome</label>
          <select
            id="audit-outcome"
            value={form.outcome}
            onChange={set('outcome')}
          >
            <option value="">Any</option>
            <option value="success">success</option>
            <option value="failure">failure</option>
          </select>
        </div>
        <Field
          label="Username"
          value={form.username}
          onChange={set('username')}
        />
        <Field
          label="From"
          type="date"
          value={form.from}
          onChange={set('from')}
        />
        <Field label="To" type="date" value={form.to} onChange={set('to')} />
        <button type="submit">Filter</button>
      </form>
      <Loadable
        resource={events}
        isEmpty={(answer) => answer.items.length === 0}
        empty="No events match."
      >
        {(answer) => (
          <>
            <Table columns={['When', 'Event', 'Outcome', 'User', 'IP']}>
              {answer.items.map((event) => (
                <tr key={event.id}>
                  <td>{formatDateTime(event.occurred_at)}</td>
                  <td>{event.type}</td>
                  <td
                    className={
                      event.outcome === 'failure' ? 'failure' : undefined
                    }
                  >
                    {event.outcome}
                  </td>
                  <td>
                    {event.user_id ? (
                      <Link href={`/admin/users/${event.user_id}`}>
                        {event.username ?? event.user_id}
                      </Link>
                    ) : (
                      (event.username ?? '—')
                    )}
                  </td>
                  <td>{event.ip ?? '—'}</td>
                </tr>
              ))}
            </Table>
            <Pager
              page={answer.page}
              limit={answer.limit}
              total={answer.total}
              onPage={(next) =>
                navigate(
                  `/admin/audit${queryString({ ...filters, page: next })}`,
                )
              }
            />
          </>
        )}
      </Loadable>
    </>
  );
}

interface UserUsage {
  user_id: string;
  username: string | null;
  count: number;
}

export function AdminUsagePage({ query }: { query: URLSearchParams }) {
  const page = Math.max(1, Number(query.get('page')) || 1);
  const [days] = useState(thirtyDays);
  const key = queryString({
    from: days[0],
    to: days[days.length - 1],
    page,
    limit: LIMIT,
  });
  const usage = useResource(
    () =>
      api.get<Page<UserUsage> & { from: string; to: string }>(
        `/api/usage${key}`,
      ),
    key,
  );
  return (
    <>
      <PageTitle>Usage per user</PageTitle>
      <p className="muted">Requests in the last 30 days (UTC), most first.</p>
      <Loadable
        resource={usage}
        isEmpty={(answer) => answer.items.length === 0}
        empty="No requests in the last 30 days."
      >
        {(answer) => {
          const max = Math.max(1, ...answer.items.map((item) => item.count));
          return (
            <>
              <Table
                columns={[
                  'User',
                  'Requests',
                  <span className="visually-hidden">Share</span>,
                ]}
              >
                {answer.items.map((item) => (
                  <tr key={item.user_id}>
                    <td>
                      {item.username ? (
                        <Link href={`/admin/users/${item.user_id}`}>
                          {item.username}
                        </Link>
                      ) : (
                        'Deleted account'
                      )}
                    </td>
                    <td>{item.count}</td>
                    <td className="share">
                      <span style={{ width: `${(100 * item.count) / max}%` }} />
                    </td>
                  </tr>
                ))}
              </Table>
              <Pager
                page={answer.page}
                limit={answer.limit}
                total={answer.total}
                onPage={(next) =>
                  navigate(`/admin/usage${queryString({ page: next })}`)
                }
              />
            </>
          );
        }}
      </Loadable>
    </>
  );
}

import { useState } from 'react';
import { api } from '../api';
import { BarChart } from '../components/bar-chart';
import { Loadable, PageTitle, Table, useResource } from '../components/ui';
import { formatPeriod, formatWait } from '../format';
import { dailySeries, keysIn, thirtyDays, type UsageDay } from '../usage';
import type { ApiKey } from './keys';

export interface UsageAnswer {
  from: string;
  to: string;
  count: number;
  days: UsageDay[];
}

export function UsagePage() {
  const [days] = useState(thirtyDays);
  const usage = useResource(
    () =>
      api.get<UsageAnswer>(
        `/api/profile/usage?from=${days[0]}&to=${days[days.length - 1]}`,
      ),
    'usage',
  );
  const keys = useResource(() => api.get<ApiKey[]>('/api/api-keys'), 'keys');
  const allowance = useResource(
    () => api.get<DataAllowance>('/api/data/allowance'),
    'allowance',
  );
  return (
    <>
      <PageTitle>Usage</PageTitle>
      <p className="muted">
        Your authenticated requests per day (UTC) over the last 30 days, with
        any credential.
      </p>
      <Loadable resource={usage}>
        {(answer) => (
          <UsageChart answer={answer} days={days} keys={keys.data ?? []} />
        )}
      </Loadable>
      <section className="card" aria-labelledby="allowance-title">
        <h2 id="allowance-title">GET /api/data allowance</h2>
        <Loadable resource={allowance}>
          {(left) => <AllowanceTable allowance={left} />}
        </Loadable>
      </section>
    </>
  );
}

interface Left {
  remaining: number;
  resets_in_seconds: number | null;
}

interface DataAllowance extends Left {
  limit: number;
  window_seconds: number;
  api_keys: (Left & { id: string; name: string; prefix: string })[];
}

function resets(left: Left): string {
  return left.resets_in_seconds === null
    ? 'Unused: the window starts with the next request'
    : `Resets ${formatWait(left.resets_in_seconds)}`;
}

function AllowanceTable({ allowance }: { allowance: DataAllowance }) {
  return (
    <>
      <p className="muted">
        {allowance.limit} requests per {formatPeriod(allowance.window_seconds)}{' '}
        for you (this console, tokens, Basic) and as many for each API key.
      </p>
      <Table columns={['Credential', 'Left', 'Window']}>
        <tr>
          <td>You (session, token, Basic)</td>
          <td>
            <strong>{allowance.remaining}</strong> of {allowance.limit}
          </td>
          <td>{resets(allowance)}</td>
        </tr>
        {allowance.api_keys.map((key) => (
          <tr key={key.id}>
            <td>
              {key.name} <code>{key.prefix}</code>
            </td>
            <td>
              <strong>{key.remaining}</strong> of {allowance.limit}
            </td>
            <td>{resets(key)}</td>
          </tr>
        ))}
      </Table>
    </>
  );
}

export function UsageChart({
  answer,
  days,
  keys,
}: {
  answer: { count: number; days: UsageDay[] };
  days: string[];
  keys: ApiKey[];
}) {
  const [keyId, setKeyId] = useState('');
  const ids = keysIn(answer.days);
  const name = (id: string) => {
    const key = keys.find((k) => k.id === id);
    return key
      ? `${key.name} (${key.prefix})`
      : `Deleted key ${id.slice(0, 8)}`;
  };
  const series = dailySeries(answer.days, days, keyId || null);
  const total = series.reduce((sum, point) => sum + point.count, 0);
  return (
    <section className="card">
      <div className="field inline">
        <label htmlFor="usage-key">Requests made with</label>
        <select
          id="usage-key"
          value={keyId}
          onChange={(event) => setKeyId(event.target.value)}
        >
          <option value="">Any credential</option>
          {ids.map((id) => (
            <option key={id} value={id}>
              {name(id)}
            </option>
          ))}
        </select>
      </div>
      <p>
        <strong>{total}</strong> requests in 30 days.
        {answer.count === 0 &&
          ' Nothing yet: requests show up here as you make them.'}
      </p>
      <BarChart
        series={series}
        label={keyId ? `Requests with ${name(keyId)}` : 'Requests per day'}
      />
    </section>
  );
}

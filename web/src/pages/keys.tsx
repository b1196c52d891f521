import { type FormEvent, useState } from 'react';
import { api, ApiError, errorText, fieldErrors } from '../api';
import {
  ConfirmButton,
  Field,
  Loadable,
  PageTitle,
  Table,
  useResource,
} from '../components/ui';
import { formatDateTime } from '../format';

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
}

interface CreatedKey extends Omit<ApiKey, 'last_used_at'> {
  key: string;
}

/** The scopes the server's routes check today; `*` is all the owner may do. */
export const SCOPES: { value: string; label: string }[] = [
  { value: 'data:read', label: 'data:read — call GET /api/data' },
  {
    value: 'profile:read',
    label: 'profile:read — read your profile and usage',
  },
  { value: '*', label: '* — everything you may do' },
];

const EXPIRIES = [
  { value: '30', label: '30 days' },
  { value: '90', label: '90 days' },
  { value: '365', label: 'One year' },
  { value: '', label: 'Never' },
];

export function KeysPage() {
  const keys = useResource(() => api.get<ApiKey[]>('/api/api-keys'), 'keys');
  const [created, setCreated] = useState<CreatedKey | null>(null);
  return (
    <>
      <PageTitle>API keys</PageTitle>
      <p className="muted">
        Scripts and services send a key as the <code>X-API-Key</code> header.
      </p>
      {created && <NewKey created={created} onDone={() => setCreated(null)} />}
      <CreateKeyForm
        onCreated={(key) => {
          setCreated(key);
          keys.reload();
        }}
      />
      <h2>Your keys</h2>
      <Loadable
        resource={keys}
        isEmpty={(list) => list.length === 0}
        empty="You have no API keys yet."
      >
        {(list) => (
          <Table
            columns={[
              'Name',
              'Prefix',
              'Scopes',
              'Created',
              'Expires',
              'Last used',
              <span className="visually-hidden">Actions</span>,
            ]}
          >
            {list.map((key) => (
              <tr key={key.id}>
                <td>{key.name}</td>
                <td>
                  <code>{key.prefix}</code>
                </td>
                <td>{key.scopes.join(', ')}</td>
                <td>{formatDateTime(key.created_at)}</td>
                <td>
                  {key.expires_at ? formatDateTime(key.expires_at) : 'Never'}
                </td>
                <td>
                  {key.last_used_at
                    ? formatDateTime(key.last_used_at)
                    : 'Never'}
                </td>
                <td>
                  <ConfirmButton
                    label={`Revoke`}
                    confirmLabel="Yes, revoke"
                    question={`Revoke "${key.name}"? Anything using it stops working.`}
                    onConfirm={async () => {
                      await api.delete(
                        `/api/api-keys/${encodeURIComponent(key.id)}`,
                      );
                      keys.reload();
                    }}
                  />
                </td>
              </tr>
            ))}
          </Table>
        )}
      </Loadable>
    </>
  );
}

function NewKey({
  created,
  onDone,
}: {
  created: CreatedKey;
  onDone: () => void;
}) {
  const [copied, setCopied] = useState<string | null>(null);
  return (
    <section className="notice ok new-key" aria-labelledby="new-key-title">
      <h2 id="new-key-title">Your new key “{created.name}”</h2>
      <p>
        <strong>Copy it now: you will not see it again.</strong> Gatehouse keeps
        only a hash of it.
      </p>
      <p>
        <code className="secret" data-testid="new-key">
          {created.key}
        </code>
      </p>
      <button
        type="button"
        className="primary"
        onClick={() => {
          navigator.clipboard.writeText(created.key).then(
            () => setCopied('Copied to the clipboard.'),
            () =>
              setCopied('Copying failed: select the key and copy it by hand.'),
          );
        }}
      >
        Copy key
      </button>{' '}
      <button type="button" onClick={onDone}>
        I have saved it
      </button>
      <p role="status">{copied}</p>
    </section>
  );
}

function CreateKeyForm({
  onCreated,
}: {
  onCreated: (key: CreatedKey) => void;
}) {
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>(['data:read']);
  const [expiry, setExpiry] = useState('90');
  const [errors, setErrors] = useState<
    Partial<Record<'name' | 'scopes', string[]>>
  >({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setErrors({});
    setFormError(null);
    if (scopes.length === 0) {
      setErrors({ scopes: ['Choose at least one scope.'] });
      return;
    }
    setBusy(true);
    try {
      const key = await api.post<CreatedKey>('/api/api-keys', {
        name,
        scopes,
        ...(expiry ? { expires_in_days: Number(expiry) } : {}),
      });
      setName('');
      onCreated(key);
    } catch (error) {
      if (error instanceof ApiError && error.status === 400) {
        const sorted = fieldErrors(error.messages, ['name', 'scopes']);
        setErrors(sorted.byField);
        setFormError(sorted.other.join(' ') || null);
      } else {
        setFormError(errorText(error));
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card" onSubmit={(event) => void submit(event)} noValidate>
      <h2>Create a key</h2>
      {formError && (
        <p className="notice error" role="alert">
          {formError}
        </p>
      )}
      <Field
        label="Name"
        name="name"
        value={name}
        maxLength={100}
        hint="What uses it, e.g. “reporting script”."
        errors={errors.name}
        onChange={(event) => setName(event.target.value)}
      />
      <fieldset>
        <legend>Scopes</legend>
        {SCOPES.map((scope) => (
          <label key={scope.value} className="check">
            <input
              type="checkbox"
              name="scopes"
              value={scope.value}
              checked={scopes.includes(scope.value)}
              onChange={(event) =>
                setScopes((previous) =>
                  event.target.checked
                    ? [...previous, scope.value]
                    : previous.filter((s) => s !== scope.value),
                )
              }
            />{' '}
            {scope.label}
          </label>
        ))}
        {errors.scopes && (
          <p className="field-error">{errors.scopes.join(' ')}</p>
        )}
      </fieldset>
      <div className="field">
        <label htmlFor="key-expiry">Expires after</label>
        <select
          id="key-expiry"
          value={expiry}
          onChange={(event) => setExpiry(event.target.value)}
        >
          {EXPIRIES.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className="primary" disabled={busy}>
        Create key
      </button>
    </form>
  );
}

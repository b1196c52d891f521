import { useId, useState } from 'react';
import { api, errorText } from '../api';
import {
  ConfirmButton,
  Field,
  Link,
  Loadable,
  PageTitle,
  Table,
  useResource,
} from '../components/ui';
import { useForm } from '../components/use-form';
import { formatDateTime } from '../format';
import {
  AUTH_METHODS,
  CLIENT_CREDENTIALS,
  CLIENT_SCOPES,
  type ClientFormValues,
  clientBody,
  formValuesOf,
  GRANT_TYPES,
  grantNames,
  NEW_CLIENT,
  type OAuthClient,
  type OAuthClientWithSecret,
  withWord,
  wordsOf,
} from '../oauth-clients';
import { navigate } from '../router';

const API = '/api/oauth-clients';

function clientPath(clientId: string): string {
  return `${API}/${encodeURIComponent(clientId)}`;
}

export function AdminOAuthClientsPage() {
  const clients = useResource(
    () => api.get<{ items: OAuthClient[] }>(API),
    'oauth-clients',
  );
  const [created, setCreated] = useState<OAuthClientWithSecret | null>(null);
  return (
    <>
      <PageTitle>OAuth clients</PageTitle>
      <p className="muted">
        Applications that sign their users in with Gatehouse, or get tokens for
        the API, through OAuth 2.0 and OpenID Connect.
      </p>
      {created && (
        <NewClientSecret
          client={created}
          title={`“${created.client_name}” is registered`}
          onDone={() => setCreated(null)}
        />
      )}
      <h2>Registered clients</h2>
      <Loadable
        resource={clients}
        isEmpty={(answer) => answer.items.length === 0}
        empty="No OAuth clients yet."
      >
        {(answer) => (
          <Table
            columns={['Name', 'Client ID', 'Type', 'Grant types', 'Status']}
          >
            {answer.items.map((client) => (
              <tr key={client.client_id}>
                <td>
                  <Link href={`/admin/oauth-clients/${client.client_id}`}>
                    {client.client_name}
                  </Link>
                </td>
                <td>
                  <code>{client.client_id}</code>
                </td>
                <td>{typeName(client)}</td>
                <td>{grantNames(client.grant_types)}</td>
                <td className={client.disabled ? 'failure' : undefined}>
                  {client.disabled ? 'Disabled' : 'Active'}
                </td>
              </tr>
            ))}
          </Table>
        )}
      </Loadable>
      <ClientForm
        title="Register a client"
        submitLabel="Register client"
        initial={NEW_CLIENT}
        save={(values) =>
          api.post<OAuthClientWithSecret>(API, clientBody(values))
        }
        onSaved={(client) => {
          setCreated(client.client_secret ? client : null);
          clients.reload();
          return client.client_secret
            ? null
            : `“${client.client_name}” is registered as a public client: it has no secret. Its client ID is ${client.client_id}.`;
        }}
      />
    </>
  );
}

export function AdminOAuthClientPage({ clientId }: { clientId: string }) {
  const resource = useResource(
    () => api.get<OAuthClient>(clientPath(clientId)),
    `oauth-client:${clientId}`,
  );
  const [rotated, setRotated] = useState<OAuthClientWithSecret | null>(null);
  const [rotations, setRotations] = useState(0);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(
    null,
  );

  async function setDisabled(disabled: boolean) {
    setStatus(null);
    try {
      await api.patch(clientPath(clientId), { disabled });
      setStatus({
        ok: true,
        text: disabled
          ? 'The client is disabled: its tokens are refused and it can get no more.'
          : 'The client is enabled again.',
      });
      resource.reload();
    } catch (error) {
      setStatus({ ok: false, text: errorText(error) });
    }
  }

  return (
    <>
      <PageTitle>OAuth client</PageTitle>
      <p>
        <Link href="/admin/oauth-clients">← All OAuth clients</Link>
      </p>
      <Loadable resource={resource}>
        {(client) => (
          <>
            <section className="card">
              <h2>{client.client_name}</h2>
              <dl>
                <dt>Client ID</dt>
                <dd>
                  <code>{client.client_id}</code>
                </dd>
                <dt>Type</dt>
                <dd>{typeName(client)}</dd>
                <dt>Status</dt>
                <dd>{client.disabled ? 'Disabled' : 'Active'}</dd>
                <dt>Grant types</dt>
                <dd>{grantNames(client.grant_types)}</dd>
                <dt>Scopes</dt>
                <dd>{client.scope}</dd>
                <dt>Redirect URIs</dt>
                <dd>
                  {client.redirect_uris.length
                    ? client.redirect_uris.join(', ')
                    : '—'}
                </dd>
                <dt>Registered</dt>
                <dd>{formatDateTime(client.created_at)}</dd>
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
                  onClick={() => void setDisabled(!client.disabled)}
                >
                  {client.disabled ? 'Enable client' : 'Disable client'}
                </button>
                {client.client_type === 'confidential' && (
                  <ConfirmButton
                    // Stays on the page after it acts: a new key starts it afresh for the next rotation.
                    key={rotations}
                    label="Rotate secret"
                    confirmLabel="Yes, rotate"
                    question="Make a new secret? The current one stops working at once."
                    onConfirm={async () => {
                      setStatus(null);
                      setRotated(
                        await api.post<OAuthClientWithSecret>(
                          `${clientPath(clientId)}/secret`,
                        ),
                      );
                      setRotations((count) => count + 1);
                    }}
                  />
                )}
                <ConfirmButton
                  label="Delete client"
                  confirmLabel="Yes, delete"
                  question={`Delete “${client.client_name}”? Its tokens stop working and its users must consent again to a new registration. This cannot be undone.`}
                  onConfirm={async () => {
                    await api.delete(clientPath(clientId));
                    navigate('/admin/oauth-clients');
                  }}
                />
              </div>
            </section>
            {rotated && (
              <NewClientSecret
                client={rotated}
                title="The new secret"
                onDone={() => setRotated(null)}
              />
            )}
            <ClientForm
              // A saved change reloads the client: start the form again from what is stored.
              key={client.updated_at}
              title="Edit"
              submitLabel="Save changes"
              initial={formValuesOf(client)}
              fixedType={client.client_type}
              save={(values) =>
                api.patch<OAuthClient>(clientPath(clientId), clientBody(values))
              }
              onSaved={() => {
                resource.reload();
                return 'Saved.';
              }}
            />
          </>
        )}
      </Loadable>
    </>
  );
}

function typeName(client: OAuthClient): string {
  return client.client_type === 'public' ? 'Public' : 'Confidential';
}

/** The secret, shown once (on registration or rotation), with a copy button. */
function NewClientSecret({
  client,
  title,
  onDone,
}: {
  client: OAuthClientWithSecret;
  title: string;
  onDone: () => void;
}) {
  const [copied, setCopied] = useState<string | null>(null);
  const secret = client.client_secret ?? '';
  return (
    <section
      className="notice ok new-key"
      aria-labelledby="new-client-secret-title"
    >
      <h2 id="new-client-secret-title">{title}</h2>
      <p>
        Client ID: <code data-testid="new-client-id">{client.client_id}</code>
      </p>
      <p>
        <strong>Copy the client secret now: you will not see it again.</strong>{' '}
        Gatehouse keeps only a hash of it.
      </p>
      <p>
        <code className="secret" data-testid="new-client-secret">
          {secret}
        </code>
      </p>
      <button
        type="button"
        className="primary"
        onClick={() => {
          navigator.clipboard.writeText(secret).then(
            () => setCopied('Copied to the clipboard.'),
            () =>
              setCopied(
                'Copying failed: select the secret and copy it by hand.',
              ),
          );
        }}
      >
        Copy secret
      </button>{' '}
      <button type="button" onClick={onDone}>
        I have saved it
      </button>
      <p role="status">{copied}</p>
    </section>
  );
}

/** Registration and editing: the same fields, with the API's messages beside them. */
function ClientForm<T extends OAuthClient>({
  title,
  submitLabel,
  initial,
  fixedType,
  save,
  onSaved,
}: {
  title: string;
  submitLabel: string;
  initial: ClientFormValues;
  /** When editing: a client stays public or confidential (a new type is a new registration). */
  fixedType?: OAuthClient['client_type'];
  save: (values: ClientFormValues) => Promise<T>;
  /** May return a notice to show under the form. */
  onSaved: (client: T) => string | null;
}) {
  const form = useForm<keyof ClientFormValues>(
    initial,
    async (values, { reset }) => {
      const client = await save(values);
      if (!fixedType) {
        reset();
      }
      return onSaved(client) ?? undefined;
    },
  );
  const id = useId();
  const publicClient = form.values.token_endpoint_auth_method === 'none';
  const methods = AUTH_METHODS.filter(
    (method) =>
      fixedType === undefined ||
      (method.value === 'none') === (fixedType === 'public'),
  );
  const uriErrors = form.errors.redirect_uris;
  return (
    <form className="card" onSubmit={form.onSubmit} noValidate>
      <h2>{title}</h2>
      {form.formError && (
        <p className="notice error" role="alert">
          {form.formError}
        </p>
      )}
      <Field
        label="Name"
        maxLength={100}
        hint="Shown to users on the consent page."
        {...form.bind('client_name')}
      />
      <div className="field">
        <label htmlFor={`${id}-uris`}>Redirect URIs</label>
        <textarea
          id={`${id}-uris`}
          name="redirect_uris"
          rows={3}
          value={form.values.redirect_uris}
          aria-invalid={uriErrors?.length ? true : undefined}
          aria-describedby={`${id}-uris-hint${uriErrors?.length ? ` ${id}-uris-error` : ''}`}
          onChange={(event) => form.set('redirect_uris', event.target.value)}
        />
        <p className="hint" id={`${id}-uris-hint`}>
          One a line, matched exactly: https, or http on localhost only. Needed
          for the authorization code grant.
        </p>
        {uriErrors?.length ? (
          <p className="field-error" id={`${id}-uris-error`}>
            {uriErrors.join(' ')}
          </p>
        ) : null}
      </div>
      <fieldset>
        <legend>Client type</legend>
        {methods.map((method) => (
          <label key={method.value} className="check">
            <input
              type="radio"
              name={`${id}-method`}
              value={method.value}
              checked={form.values.token_endpoint_auth_method === method.value}
              onChange={() =>
                form.set('token_endpoint_auth_method', method.value)
              }
            />{' '}
            {method.label}
          </label>
        ))}
        <FieldErrors errors={form.errors.token_endpoint_auth_method} />
      </fieldset>
      <fieldset>
        <legend>Grant types</legend>
        {GRANT_TYPES.map((grant) => {
          const impossible = publicClient && grant.value === CLIENT_CREDENTIALS;
          return (
            <label key={grant.value} className="check">
              <input
                type="checkbox"
                value={grant.value}
                disabled={impossible}
                checked={
                  !impossible &&
                  wordsOf(form.values.grant_types).includes(grant.value)
                }
                onChange={(event) =>
                  form.set(
                    'grant_types',
                    withWord(
                      form.values.grant_types,
                      grant.value,
                      event.target.checked,
                      GRANT_TYPES.map((known) => known.value),
                    ),
                  )
                }
              />{' '}
              {grant.label}
            </label>
          );
        })}
        {publicClient && (
          <p className="hint">
            A public client has no secret, so it cannot use client credentials.
          </p>
        )}
        <FieldErrors errors={form.errors.grant_types} />
      </fieldset>
      <fieldset>
        <legend>Scopes it may ask for</legend>
        {CLIENT_SCOPES.map((scope) => (
          <label key={scope.name} className="check">
            <input
              type="checkbox"
              value={scope.name}
              checked={wordsOf(form.values.scope).includes(scope.name)}
              onChange={(event) =>
                form.set(
                  'scope',
                  withWord(
                    form.values.scope,
                    scope.name,
                    event.target.checked,
                    CLIENT_SCOPES.map((known) => known.name),
                  ),
                )
              }
            />{' '}
            <code>{scope.name}</code> — {scope.description}
          </label>
        ))}
        <FieldErrors errors={form.errors.scope} />
      </fieldset>
      <button type="submit" className="primary" disabled={form.busy}>
        {submitLabel}
      </button>
      <p role="status" className={form.notice ? 'notice ok' : undefined}>
        {form.notice}
      </p>
    </form>
  );
}

function FieldErrors({ errors }: { errors: string[] | undefined }) {
  return errors?.length ? (
    <p className="field-error">{errors.join(' ')}</p>
  ) : null;
}

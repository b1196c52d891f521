import { api } from '../api';
import {
  ConfirmButton,
  Loadable,
  PageTitle,
  useResource,
} from '../components/ui';
import { formatDateTime } from '../format';
import { clientLabel, disconnectGrant, listGrants } from '../oauth';
import { ScopeList } from './authorize';

/** `/apps`: the apps the user allowed through OAuth, and disconnecting one. */
export function AppsPage() {
  const grants = useResource(() => listGrants(api), 'grants');
  return (
    <>
      <PageTitle>Connected apps</PageTitle>
      <p className="muted">
        Apps you allowed to use your Gatehouse account. Disconnecting one ends
        its access at once.
      </p>
      <Loadable
        resource={grants}
        isEmpty={(list) => list.length === 0}
        empty="No apps are connected to your account. When you allow an app to use your Gatehouse account, it is listed here."
      >
        {(list) => (
          <ul className="cards">
            {list.map((grant) => {
              const name = clientLabel(grant);
              return (
                <li key={grant.grant_id} className="card">
                  <h2 className="h3">{name}</h2>
                  <h3 className="label">What it may do</h3>
                  <ScopeList scopes={grant.scopes} />
                  <dl>
                    <dt>Connected since</dt>
                    <dd>{formatDateTime(grant.created_at)}</dd>
                  </dl>
                  <ConfirmButton
                    label="Disconnect"
                    confirmLabel="Yes, disconnect"
                    question={`Disconnect ${name}? Its tokens stop working now, and it must ask you again to connect.`}
                    onConfirm={async () => {
                      await disconnectGrant(api, grant.grant_id);
                      grants.reload();
                    }}
                  />
                </li>
              );
            })}
          </ul>
        )}
      </Loadable>
    </>
  );
}

import { useEffect, useState } from 'react';
import type { ApiKey, CreatedApiKey } from '../api';
import { useApi } from '../app/api-context';
import { ProblemAlert } from '../ui/ProblemAlert';
import { RelativeTime } from '../ui/Time';
import { useResource } from '../ui/use-resource';
import { CreateApiKeyForm, NewKeyNotice } from './CreateApiKeyForm';
import { RevokeApiKeyDialog } from './RevokeApiKeyDialog';

const SCOPE_LABELS: Record<string, string> = { admin: 'Admin', 'events:write': 'Events: write', read: 'Read' };

/** `/api-keys`: the organization's keys, a form to make one, and revocation with a confirmation. */
export function ApiKeysPage() {
  const api = useApi();
  const keys = useResource(() => api.listApiKeys(), [api]);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);

  useEffect(() => {
    document.title = 'API keys · Hookline';
  }, []);

  return (
    <>
      <div className="page-header">
        <h1>API keys</h1>
        <p className="muted">
          Give each tool its own key with only the scopes it needs: <strong>events:write</strong> for the CI job that reports changes, <strong>read</strong>{' '}
          for someone who only looks at deliveries.
        </p>
      </div>
      {created ? <NewKeyNotice apiKey={created} onDismiss={() => setCreated(null)} /> : null}
      <CreateApiKeyForm
        onCreated={(key) => {
          setCreated(key);
          void keys.reload();
        }}
      />
      <ProblemAlert problem={keys.problem} action="Could not load the API keys" />
      {keys.loading ? <p className="muted">Loading API keys…</p> : null}
      {keys.data ? (
        <section className="card" aria-labelledby="keys-title">
          <h2 id="keys-title" className="card-title">
            Active keys
          </h2>
          {keys.data.length === 0 ? <p className="empty-inline">No API keys.</p> : null}
          {keys.data.length > 0 ? (
            <div className="table-wrap">
              <table className="delivery-table" data-testid="api-keys">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Key</th>
                    <th scope="col">Scopes</th>
                    <th scope="col">Created</th>
                    <th scope="col">Last used</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {keys.data.map((key) => (
                    <tr key={key.id} data-testid="api-key-row">
                      <td>{key.name}</td>
                      <td>
                        <code>hk_{key.prefix}_…</code>
                      </td>
                      <td>{key.scopes.map((scope) => SCOPE_LABELS[scope] ?? scope).join(', ')}</td>
                      <td>
                        <RelativeTime iso={key.createdAt} />
                      </td>
                      <td>{key.lastUsedAt ? <RelativeTime iso={key.lastUsedAt} /> : <span className="muted">Never</span>}</td>
                      <td>
                        <button type="button" className="button button-small button-danger" onClick={() => setRevoking(key)} aria-label={`Revoke ${key.name}`}>
                          Revoke
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </section>
      ) : null}
      {revoking ? (
        <RevokeApiKeyDialog
          apiKey={revoking}
          onClose={() => setRevoking(null)}
          onRevoked={() => {
            setRevoking(null);
            keys.replace((current) => current?.filter((key) => key.id !== revoking.id));
          }}
        />
      ) : null}
    </>
  );
}

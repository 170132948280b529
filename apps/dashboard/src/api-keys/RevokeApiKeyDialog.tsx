import { useState } from 'react';
import { asProblem, type ApiKey, type ApiProblem } from '../api';
import { useApi } from '../app/api-context';
import { Dialog } from '../ui/Dialog';
import { ProblemAlert } from '../ui/ProblemAlert';

export function RevokeApiKeyDialog({ apiKey, onClose, onRevoked }: { apiKey: ApiKey; onClose: () => void; onRevoked: () => void }) {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  const revoke = async () => {
    setBusy(true);
    try {
      await api.revokeApiKey(apiKey.id);
      onRevoked();
    } catch (error) {
      setProblem(asProblem(error));
      setBusy(false);
    }
  };

  return (
    <Dialog title={`Revoke “${apiKey.name}”?`} onClose={onClose} testId="revoke-dialog">
      <div className="stack">
        <p>
          Every request with <code>hk_{apiKey.prefix}_…</code> is refused within a second, on every Hookline server. <strong>This cannot be undone</strong>: whatever
          uses it needs a new key.
        </p>
        <ProblemAlert problem={problem} action="Could not revoke the key" />
        <div className="actions">
          <button type="button" className="button button-danger" onClick={revoke} disabled={busy} autoFocus>
            {busy ? 'Revoking…' : 'Revoke key'}
          </button>
          <button type="button" className="button button-ghost" onClick={onClose}>
            Cancel
          </button>
        </div>
      </div>
    </Dialog>
  );
}

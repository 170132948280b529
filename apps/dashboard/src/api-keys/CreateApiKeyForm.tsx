import { useState, type FormEvent } from 'react';
import { asProblem, type ApiKeyScope, type ApiProblem, type CreatedApiKey } from '../api';
import { useApi } from '../app/api-context';
import { CopyButton } from '../ui/CopyButton';
import { ProblemAlert } from '../ui/ProblemAlert';
import { TextField } from '../ui/TextField';

const SCOPES: Array<{ scope: ApiKeyScope; label: string; hint: string }> = [
  { scope: 'events:write', label: 'Events: write', hint: 'Report changes and deploy versions; nothing else. The key for CI.' },
  { scope: 'read', label: 'Read', hint: 'See documentations, webhooks and deliveries; no secrets, no changes.' },
  { scope: 'admin', label: 'Admin', hint: 'Everything, including secrets and API keys.' },
];

export function CreateApiKeyForm({ onCreated }: { onCreated: (key: CreatedApiKey) => void }) {
  const api = useApi();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiKeyScope[]>(['events:write']);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  const toggle = (scope: ApiKeyScope, on: boolean) => setScopes((current) => (on ? [...current, scope] : current.filter((s) => s !== scope)));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      onCreated(await api.createApiKey({ name: name.trim(), scopes }));
      setName('');
      setProblem(null);
    } catch (error) {
      setProblem(asProblem(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card stack" onSubmit={submit} noValidate aria-labelledby="new-key-title">
      <h2 id="new-key-title" className="card-title">
        Create an API key
      </h2>
      <ProblemAlert problem={problem} shownFields={['name', 'scopes']} action="Could not create the key" />
      <TextField label="Name" name="name" value={name} onChange={(event) => setName(event.target.value)} error={problem?.fieldError('name')} hint="Who or what uses it, e.g. “GitHub Actions deploy”." />
      <fieldset className="field">
        <legend>Scopes</legend>
        {SCOPES.map(({ scope, label, hint }) => (
          <label key={scope} className="scope-option">
            <input type="checkbox" name="scopes" value={scope} checked={scopes.includes(scope)} onChange={(event) => toggle(scope, event.target.checked)} />
            <span>
              <strong>{label}</strong> <span className="hint">{hint}</span>
            </span>
          </label>
        ))}
        {problem?.fieldError('scopes') ? <p className="field-error">{problem.fieldError('scopes')}</p> : null}
      </fieldset>
      <div className="actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create key'}
        </button>
      </div>
    </form>
  );
}

/** The key in full, right after it was made: the only time it can be copied. */
export function NewKeyNotice({ apiKey, onDismiss }: { apiKey: CreatedApiKey; onDismiss: () => void }) {
  return (
    <div className="alert alert-success one-time-secret" role="status" data-testid="new-api-key">
      <p>
        <strong>Key “{apiKey.name}” created. </strong>
        Copy it now: Hookline stores only a hash and will never show it again.
      </p>
      <div className="secret-line">
        <code className="secret" data-testid="full-api-key">
          {apiKey.secret}
        </code>
        <CopyButton text={apiKey.secret} label="Copy key" />
      </div>
      <button type="button" className="button button-small" onClick={onDismiss}>
        I have stored it
      </button>
    </div>
  );
}

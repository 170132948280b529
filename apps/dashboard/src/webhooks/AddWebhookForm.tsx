import { useState, type FormEvent } from 'react';
import { asProblem, type ApiProblem, type CreatedWebhook } from '../api';
import { useApi } from '../app/api-context';
import { ProblemAlert } from '../ui/ProblemAlert';
import { Switch } from '../ui/Switch';
import { TextField } from '../ui/TextField';

interface AddWebhookFormProps {
  documentationSlug: string;
  onCreated: (webhook: CreatedWebhook) => void;
  onCancel?: () => void;
}

const FIELDS = ['url', 'description', 'breakingOnly'];

export function AddWebhookForm({ documentationSlug, onCreated, onCancel }: AddWebhookFormProps) {
  const api = useApi();
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [breakingOnly, setBreakingOnly] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      const created = await api.createWebhook(documentationSlug, { url: url.trim(), description: description.trim() || null, breakingOnly });
      setProblem(null);
      onCreated(created);
    } catch (error) {
      setProblem(asProblem(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    // The API validates; the browser's own checks would hide its wording.
    <form className="card stack add-webhook" onSubmit={submit} noValidate aria-labelledby="add-webhook-title">
      <h2 id="add-webhook-title" className="card-title">
        Add a webhook
      </h2>
      <ProblemAlert problem={problem} shownFields={FIELDS} action="Could not add the webhook" />
      <TextField
        label="Payload URL"
        name="url"
        type="url"
        inputMode="url"
        autoComplete="off"
        spellCheck={false}
        placeholder="https://example.com/hooks/bump"
        value={url}
        onChange={(event) => setUrl(event.target.value)}
        error={problem?.fieldError('url')}
        hint="Hookline sends a signed POST with a JSON body here whenever this documentation's structure changes."
        autoFocus
      />
      <TextField
        label="Description (optional)"
        name="description"
        value={description}
        onChange={(event) => setDescription(event.target.value)}
        error={problem?.fieldError('description')}
        placeholder="Slack notifier, CI pipeline…"
      />
      <Switch
        checked={breakingOnly}
        onChange={setBreakingOnly}
        label="Only breaking changes"
        hint="When on, changes that break no client are not sent to this URL."
      />
      {problem?.fieldError('breakingOnly') ? <p className="field-error">{problem.fieldError('breakingOnly')}</p> : null}
      <div className="actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Adding…' : 'Add webhook'}
        </button>
        {onCancel ? (
          <button type="button" className="button button-ghost" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}

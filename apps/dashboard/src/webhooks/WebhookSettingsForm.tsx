import { useState, type FormEvent } from 'react';
import { asProblem, type ApiProblem, type Webhook, type WebhookPatch } from '../api';
import { useApi } from '../app/api-context';
import { ProblemAlert } from '../ui/ProblemAlert';
import { Switch } from '../ui/Switch';
import { TextField } from '../ui/TextField';

interface WebhookSettingsFormProps {
  webhook: Webhook;
  onSaved: (webhook: Webhook) => void;
  onCancel: () => void;
}

const FIELDS = ['url', 'description', 'breakingOnly'];

/** Sends only what changed, so a PATCH never overwrites a field someone else just edited. */
export function WebhookSettingsForm({ webhook, onSaved, onCancel }: WebhookSettingsFormProps) {
  const api = useApi();
  const [url, setUrl] = useState(webhook.url);
  const [description, setDescription] = useState(webhook.description ?? '');
  const [breakingOnly, setBreakingOnly] = useState(webhook.breakingOnly);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const patch: WebhookPatch = {};
    if (url.trim() !== webhook.url) patch.url = url.trim();
    if ((description.trim() || null) !== webhook.description) patch.description = description.trim() || null;
    if (breakingOnly !== webhook.breakingOnly) patch.breakingOnly = breakingOnly;
    if (Object.keys(patch).length === 0) return onCancel();
    setBusy(true);
    try {
      onSaved(await api.updateWebhook(webhook.id, patch));
    } catch (error) {
      setProblem(asProblem(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="subcard stack" onSubmit={submit} noValidate aria-label="Edit webhook">
      <ProblemAlert problem={problem} shownFields={FIELDS} action="Could not save" />
      <TextField
        label="Payload URL"
        name="url"
        type="url"
        inputMode="url"
        spellCheck={false}
        value={url}
        onChange={(event) => setUrl(event.target.value)}
        error={problem?.fieldError('url')}
        hint="Deliveries already scheduled go to the new URL."
        autoFocus
      />
      <TextField label="Description" name="description" value={description} onChange={(event) => setDescription(event.target.value)} error={problem?.fieldError('description')} />
      <Switch checked={breakingOnly} onChange={setBreakingOnly} label="Only breaking changes" />
      <div className="actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save'}
        </button>
        <button type="button" className="button button-ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

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

const FIELDS = ['url', 'description', 'breakingOnly', 'maxConcurrency', 'rateLimitPerSecond'];

/** Empty: back to the default. Anything else goes as typed, so the API's field error explains a bad value. */
const limitOf = (text: string): number | null => (text.trim() === '' ? null : Number.isNaN(Number(text)) ? (text as unknown as number) : Number(text));
const limitText = (value: number | null) => (value === null ? '' : String(value));

/** Sends only what changed, so a PATCH never overwrites a field someone else just edited. */
export function WebhookSettingsForm({ webhook, onSaved, onCancel }: WebhookSettingsFormProps) {
  const api = useApi();
  const [url, setUrl] = useState(webhook.url);
  const [description, setDescription] = useState(webhook.description ?? '');
  const [breakingOnly, setBreakingOnly] = useState(webhook.breakingOnly);
  const [maxConcurrency, setMaxConcurrency] = useState(limitText(webhook.maxConcurrency));
  const [rateLimitPerSecond, setRateLimitPerSecond] = useState(limitText(webhook.rateLimitPerSecond));
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const patch: WebhookPatch = {};
    if (url.trim() !== webhook.url) patch.url = url.trim();
    if ((description.trim() || null) !== webhook.description) patch.description = description.trim() || null;
    if (breakingOnly !== webhook.breakingOnly) patch.breakingOnly = breakingOnly;
    if (limitOf(maxConcurrency) !== webhook.maxConcurrency) patch.maxConcurrency = limitOf(maxConcurrency);
    if (limitOf(rateLimitPerSecond) !== webhook.rateLimitPerSecond) patch.rateLimitPerSecond = limitOf(rateLimitPerSecond);
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
      <TextField
        label="Max concurrent requests"
        name="maxConcurrency"
        inputMode="numeric"
        value={maxConcurrency}
        onChange={(event) => setMaxConcurrency(event.target.value)}
        error={problem?.fieldError('maxConcurrency')}
        hint="Across all workers. Empty: the deployment default."
      />
      <TextField
        label="Max requests per second"
        name="rateLimitPerSecond"
        inputMode="numeric"
        value={rateLimitPerSecond}
        onChange={(event) => setRateLimitPerSecond(event.target.value)}
        error={problem?.fieldError('rateLimitPerSecond')}
        hint="Across all workers. Empty: no limit."
      />
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

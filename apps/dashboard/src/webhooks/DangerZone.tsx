import { useId, useState, type FormEvent } from 'react';
import { asProblem, type ApiProblem, type Webhook } from '../api';
import { useApi } from '../app/api-context';
import { Dialog } from '../ui/Dialog';
import { ProblemAlert } from '../ui/ProblemAlert';
import { TextField } from '../ui/TextField';

export function DangerZone({ webhook, onDeleted }: { webhook: Webhook; onDeleted: () => void }) {
  const [open, setOpen] = useState(false);
  const titleId = useId();
  return (
    <section className="danger-zone" aria-labelledby={titleId}>
      <div>
        <h4 id={titleId}>Danger zone</h4>
        <p className="hint">Deleting stops every delivery to this URL, including pending retries.</p>
      </div>
      <button type="button" className="button button-danger" onClick={() => setOpen(true)}>
        Delete webhook
      </button>
      {open ? <DeleteWebhookDialog webhook={webhook} onClose={() => setOpen(false)} onDeleted={onDeleted} /> : null}
    </section>
  );
}

function DeleteWebhookDialog({ webhook, onClose, onDeleted }: { webhook: Webhook; onClose: () => void; onDeleted: () => void }) {
  const api = useApi();
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const confirmed = typed.trim() === webhook.url || typed.trim().toLowerCase() === 'delete';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!confirmed) return;
    setBusy(true);
    try {
      await api.deleteWebhook(webhook.id);
      onDeleted();
    } catch (error) {
      setProblem(asProblem(error));
      setBusy(false);
    }
  };

  return (
    <Dialog title="Delete this webhook?" onClose={onClose} testId="delete-dialog">
      <form onSubmit={submit} className="stack">
        <p>
          <code className="break">{webhook.url}</code> will receive nothing more from Hookline.{' '}
          <strong>Pending retries are cancelled and will not be sent.</strong> Its delivery history is no longer shown here. This cannot be undone.
        </p>
        <ProblemAlert problem={problem} action="Could not delete the webhook" />
        <TextField
          label={
            <>
              Type the webhook URL or <kbd>delete</kbd> to confirm
            </>
          }
          name="confirm"
          autoComplete="off"
          spellCheck={false}
          value={typed}
          onChange={(event) => setTyped(event.target.value)}
          autoFocus
        />
        <div className="actions">
          <button type="submit" className="button button-danger" disabled={!confirmed || busy}>
            {busy ? 'Deleting…' : 'Delete webhook'}
          </button>
          <button type="button" className="button button-ghost" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

import { useEffect, useId, useState } from 'react';
import { asProblem, type ApiProblem, type RecoveryCount } from '../api';
import { useApi } from '../app/api-context';
import { formatDateTime } from '../format';
import { ProblemAlert } from '../ui/ProblemAlert';

interface RecoverOfferProps {
  webhookId: string;
  /** Where the offer starts: when the trouble began. */
  defaultSince: string;
  onClose: (recovered: number) => void;
}

// <input type="datetime-local"> speaks local time without a zone.
const toLocalInput = (iso: string) => {
  const date = new Date(iso);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

/** After re-enabling: how many deliveries failed or were missed since then, and a button to resend them. */
export function RecoverOffer({ webhookId, defaultSince, onClose }: RecoverOfferProps) {
  const api = useApi();
  const inputId = useId();
  const [since, setSince] = useState(toLocalInput(defaultSince));
  const [count, setCount] = useState<RecoveryCount | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let current = true;
    const iso = new Date(since).toISOString();
    setCount(null);
    api.countRecoverable(webhookId, iso).then(
      (answer) => current && (setCount(answer), setProblem(null)),
      (error) => current && setProblem(asProblem(error)),
    );
    return () => {
      current = false;
    };
  }, [api, webhookId, since]);

  const recover = async () => {
    setBusy(true);
    try {
      const { count: sent } = await api.recover(webhookId, new Date(since).toISOString());
      onClose(sent);
    } catch (error) {
      setProblem(asProblem(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="alert alert-neutral" data-testid="recover-offer" aria-label="Recover missed deliveries">
      <p>
        <strong>Recover what it missed?</strong>{' '}
        {count === null
          ? 'Counting…'
          : count.count === 0
            ? `Nothing failed or was missed since ${formatDateTime(count.since)}.`
            : `${count.count} deliver${count.count === 1 ? 'y' : 'ies'} since ${formatDateTime(count.since)}: ${count.failed} failed, ${count.missed} never sent while it was disabled. They are sent again with their original webhook-id.`}
      </p>
      <p className="actions">
        <label htmlFor={inputId}>Since</label>
        <input id={inputId} type="datetime-local" value={since} onChange={(event) => event.target.value && setSince(event.target.value)} />
        <button type="button" className="button button-primary" onClick={recover} disabled={busy || !count || count.count === 0}>
          {busy ? 'Recovering…' : `Resend ${count?.count ?? ''}`.trim()}
        </button>
        <button type="button" className="button" onClick={() => onClose(0)}>
          Not now
        </button>
      </p>
      <ProblemAlert problem={problem} action="Could not recover" />
    </section>
  );
}

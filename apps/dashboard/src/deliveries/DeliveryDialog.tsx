import { useEffect, useState } from 'react';
import { asProblem, type ApiProblem } from '../api';
import { useApi } from '../app/api-context';
import { formatBytes, formatDateTime, prettyBody } from '../format';
import { CopyButton } from '../ui/CopyButton';
import { Dialog } from '../ui/Dialog';
import { ProblemAlert } from '../ui/ProblemAlert';
import { RelativeTime, useNow } from '../ui/Time';
import { useResource } from '../ui/use-resource';
import { AttemptView } from './AttemptView';
import { StatusBadge, isInFlight } from './StatusBadge';

const POLL_MS = 1_000;
/** How long to wait for a redelivery's attempt before saying it is late. */
const REDELIVERY_WAIT_MS = 30_000;

interface DeliveryDialogProps {
  deliveryId: string;
  onClose: () => void;
  onRedelivered: () => void;
}

export function DeliveryDialog({ deliveryId, onClose, onRedelivered }: DeliveryDialogProps) {
  const api = useApi();
  const delivery = useResource(() => api.getDelivery(deliveryId), [api, deliveryId]);
  const [redelivery, setRedelivery] = useState<{ expectedAttempts: number; since: number } | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const now = useNow(1_000);

  const detail = delivery.data;
  const attempts = detail?.attempts ?? [];
  const awaitingRedelivery = redelivery !== null && attempts.length < redelivery.expectedAttempts;
  const redeliveryLate = awaitingRedelivery && now - redelivery.since > REDELIVERY_WAIT_MS;
  const live = detail ? isInFlight(detail.status) || (awaitingRedelivery && !redeliveryLate) : false;

  useEffect(() => {
    if (!live) return;
    const timer = setTimeout(() => void delivery.reload(), POLL_MS);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [live, delivery.data, delivery.problem]);

  useEffect(() => {
    if (redelivery && !awaitingRedelivery) onRedelivered();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [awaitingRedelivery]);

  const redeliver = async () => {
    setBusy(true);
    setProblem(null);
    try {
      await api.redeliver(deliveryId);
      setRedelivery({ expectedAttempts: attempts.length + 1, since: Date.now() });
      onRedelivered();
      void delivery.reload();
    } catch (error) {
      setProblem(asProblem(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={detail ? <>Delivery of <code>{detail.event}</code></> : 'Delivery'} onClose={onClose} size="large" testId="delivery-dialog">
      <ProblemAlert problem={delivery.problem} action={detail ? 'Could not refresh this delivery' : 'Could not load this delivery'} />
      {delivery.loading ? <p className="muted">Loading…</p> : null}
      {detail ? (
        <div className="stack">
          <dl className="facts">
            <div>
              <dt>Status</dt>
              <dd>
                <StatusBadge status={detail.status} />
              </dd>
            </div>
            <div>
              <dt>Attempts</dt>
              <dd>{attempts.length}</dd>
            </div>
            <div>
              <dt>Created</dt>
              <dd>{formatDateTime(detail.createdAt)}</dd>
            </div>
            <div>
              <dt>Next attempt</dt>
              <dd>{detail.nextAttemptAt ? <RelativeTime iso={detail.nextAttemptAt} now={now} /> : 'None scheduled'}</dd>
            </div>
            <div className="facts-wide">
              <dt>
                <code>webhook-id</code> (same on every attempt)
              </dt>
              <dd>
                <code className="break">{detail.id}</code>
              </dd>
            </div>
          </dl>

          <div className="actions">
            <button type="button" className="button button-primary" onClick={redeliver} disabled={busy || awaitingRedelivery}>
              {busy ? 'Queuing…' : awaitingRedelivery ? 'Redelivering…' : 'Redeliver'}
            </button>
            <span className="hint">Sends the same payload again now, with the same webhook-id, freshly signed.</span>
          </div>
          <p role="status" className={redelivery ? 'notice' : 'visually-hidden'}>
            {redelivery
              ? awaitingRedelivery
                ? redeliveryLate
                  ? 'The redelivery is queued but no worker has attempted it yet. Is a worker running?'
                  : 'Redelivery queued; its attempt appears below in a moment.'
                : 'Redelivered: the new attempt is the last one below.'
              : ''}
          </p>
          <ProblemAlert problem={problem} action="Could not redeliver" />

          <section aria-label="Payload">
            <details className="payload">
              <summary>
                Payload sent to <code className="break">{detail.request.url}</code> ({formatBytes(new Blob([detail.request.body]).size)})
              </summary>
              <div className="code-block">
                <div className="code-block-caption">
                  <span>Request body</span>
                  <CopyButton text={detail.request.body} label="Copy body" />
                </div>
                <pre>
                  <code>{prettyBody(detail.request.body)}</code>
                </pre>
              </div>
            </details>
          </section>

          <section aria-labelledby="attempts-title" className="stack">
            <h3 id="attempts-title">Attempts</h3>
            {attempts.length === 0 ? <p className="empty-inline">No attempt yet: a worker picks the delivery up within seconds when one is running.</p> : null}
            <ol className="attempts">
              {attempts.map((attempt, index) => (
                <AttemptView key={attempt.id} attempt={attempt} number={index + 1} open={index === attempts.length - 1} />
              ))}
            </ol>
          </section>
        </div>
      ) : null}
    </Dialog>
  );
}

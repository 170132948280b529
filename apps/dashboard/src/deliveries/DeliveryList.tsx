import { useEffect, useId, useRef, useState } from 'react';
import { useApi } from '../app/api-context';
import { ProblemAlert } from '../ui/ProblemAlert';
import { useNow } from '../ui/Time';
import { usePageVisible } from '../ui/use-page-visible';
import { useResource } from '../ui/use-resource';
import { DeliveryDialog } from './DeliveryDialog';
import { DeliveryFilterBar, useDeliveryFilters } from './DeliveryFilters';
import { DeliveryRow } from './DeliveryRow';
import { isInFlight } from './StatusBadge';

const PAGE_SIZE = 10;
const POLL_MS = 2_000;
/** With nothing in flight, the first page still looks for deliveries made elsewhere (CI, other people). */
const IDLE_POLL_MS = 30_000;

interface DeliveryListProps {
  webhookId: string;
  /** Changes when something outside (Test webhook) created a delivery. */
  refreshToken: number;
  highlightId: string | null;
  /** Called when the last shown delivery in flight reached a final status. */
  onSettled: () => void;
}

export function DeliveryList({ webhookId, refreshToken, highlightId, onSettled }: DeliveryListProps) {
  const api = useApi();
  const titleId = useId();
  // Cursors of the older pages visited; empty = the most recent page.
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const { filters, active: filtered, apply } = useDeliveryFilters(webhookId);
  const filterKey = JSON.stringify(filters);
  // Other filters, other pages: start again from the most recent.
  useEffect(() => setCursors([]), [filterKey]);
  const page = useResource(() => api.listDeliveries(webhookId, { limit: PAGE_SIZE, cursor, filters }), [api, webhookId, cursor, filterKey]);
  const [openId, setOpenId] = useState<string | null>(null);

  const deliveries = page.data?.data ?? [];
  const inFlight = deliveries.some((delivery) => isInFlight(delivery.status));
  const now = useNow(inFlight ? 1_000 : 15_000);

  // A new delivery lands on the first page: go there, or load it again.
  const firstRender = useRef(true);
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    if (cursors.length > 0) setCursors([]);
    else void page.reload();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [refreshToken]);

  // Poll fast while anything shown can still change, slowly on the first page
  // otherwise, and not at all in a background tab or on older pages at rest.
  const visible = usePageVisible();
  const pollMs = inFlight ? POLL_MS : cursors.length === 0 ? IDLE_POLL_MS : null;
  useEffect(() => {
    if (!visible || pollMs === null) return;
    const timer = setTimeout(() => void page.reload(), pollMs);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [visible, pollMs, page.data, page.problem]);

  const wasInFlight = useRef(false);
  useEffect(() => {
    if (wasInFlight.current && !inFlight) onSettled();
    wasInFlight.current = inFlight;
  }, [inFlight, onSettled]);

  return (
    <section className="deliveries" aria-labelledby={titleId}>
      <div className="section-header">
        <h4 id={titleId}>{cursors.length === 0 ? 'Recent deliveries' : `Older deliveries (page ${cursors.length + 1})`}</h4>
        <span className="muted small" aria-hidden={!inFlight}>
          {inFlight ? 'Refreshing every 2 s while deliveries are in flight' : ''}
        </span>
      </div>
      <DeliveryFilterBar filters={filters} onApply={apply} />
      <ProblemAlert problem={page.problem} action={page.data ? 'Could not refresh the deliveries' : 'Could not load the deliveries'} />
      {page.loading ? <p className="muted">Loading deliveries…</p> : null}
      {page.data && deliveries.length === 0 ? (
        <p className="empty-inline">
          {filtered
            ? 'No deliveries match these filters.'
            : cursors.length === 0
              ? 'No deliveries yet. Press “Test webhook” to send a ping, or report a change of this documentation through the API.'
              : 'No older deliveries.'}
        </p>
      ) : null}
      {deliveries.length > 0 ? (
        <div className="table-wrap">
          <table className="delivery-table">
            <thead>
              <tr>
                <th scope="col">Status</th>
                <th scope="col">Event</th>
                <th scope="col">HTTP</th>
                <th scope="col">Duration</th>
                <th scope="col">Attempts</th>
                <th scope="col">Next attempt</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {deliveries.map((delivery) => (
                <DeliveryRow key={delivery.id} delivery={delivery} now={now} highlighted={delivery.id === highlightId} onOpen={() => setOpenId(delivery.id)} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {cursors.length > 0 || page.data?.nextCursor ? (
        <nav className="pager" aria-label="Delivery history">
          {cursors.length > 0 ? (
            <>
              <button type="button" className="button button-small" onClick={() => setCursors([])}>
                Latest
              </button>
              <button type="button" className="button button-small" onClick={() => setCursors((stack) => stack.slice(0, -1))}>
                ← Newer
              </button>
            </>
          ) : null}
          {page.data?.nextCursor ? (
            <button type="button" className="button button-small" onClick={() => setCursors((stack) => [...stack, page.data!.nextCursor!])}>
              Older →
            </button>
          ) : null}
        </nav>
      ) : null}
      {openId ? <DeliveryDialog deliveryId={openId} onClose={() => setOpenId(null)} onRedelivered={() => void page.reload()} /> : null}
    </section>
  );
}

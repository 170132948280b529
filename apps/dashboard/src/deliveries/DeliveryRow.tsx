import type { DeliveryItem } from '../api';
import { formatDuration } from '../format';
import { RelativeTime } from '../ui/Time';
import { StatusBadge, httpOutcome } from './StatusBadge';

interface DeliveryRowProps {
  delivery: DeliveryItem;
  now: number;
  highlighted: boolean;
  onOpen: () => void;
}

/** The whole row opens the delivery on click; its button does for keyboard and screen readers. */
export function DeliveryRow({ delivery, now, highlighted, onOpen }: DeliveryRowProps) {
  const last = delivery.lastAttempt;
  return (
    <tr data-testid="delivery-row" data-delivery-id={delivery.id} data-status={delivery.status} className={highlighted ? 'row-highlight' : undefined} onClick={onOpen}>
      <td className="cell-status" data-label="Status">
        <StatusBadge status={delivery.status} />
      </td>
      <td className="cell-event" data-label="Event">
        <code>{delivery.event}</code>
        {delivery.summary ? (
          <span className="delivery-summary" data-testid="delivery-summary">
            {delivery.summary}
          </span>
        ) : null}
      </td>
      <td className="cell-http" data-label="HTTP" title={last?.error ?? undefined}>
        <span className={last?.statusCode && last.statusCode >= 200 && last.statusCode < 300 ? '' : last ? 'text-error' : ''}>{httpOutcome(last?.statusCode, last?.error)}</span>
      </td>
      <td className="cell-duration" data-label="Duration">{formatDuration(last?.durationMs)}</td>
      <td className="cell-attempts" data-label="Attempts">{delivery.attempts}</td>
      <td className="cell-next" data-label="Next attempt">{delivery.nextAttemptAt ? <RelativeTime iso={delivery.nextAttemptAt} now={now} /> : '—'}</td>
      <td className="cell-created" data-label="Created">
        <RelativeTime iso={delivery.createdAt} now={now} />
      </td>
      <td className="row-action">
        <button
          type="button"
          className="button button-small"
          onClick={(event) => {
            event.stopPropagation();
            onOpen();
          }}
          aria-label={`Details of the ${delivery.event} delivery created ${new Date(delivery.createdAt).toLocaleString()}`}
        >
          Details
        </button>
      </td>
    </tr>
  );
}

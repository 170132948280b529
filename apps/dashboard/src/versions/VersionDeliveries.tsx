import { useApi } from '../app/api-context';
import { StatusBadge } from '../deliveries/StatusBadge';
import { Link, integrationsPath } from '../router';
import { ProblemAlert } from '../ui/ProblemAlert';
import { useResource } from '../ui/use-resource';

/** The deliveries a version's event caused, each linking to its webhook's delivery list. */
export function VersionDeliveries({ eventId, slug }: { eventId: string; slug: string }) {
  const api = useApi();
  const event = useResource(() => api.getEvent(eventId), [api, eventId]);
  if (event.problem) return <ProblemAlert problem={event.problem} action="Could not load the deliveries" />;
  if (!event.data) return <p className="muted small">Loading deliveries…</p>;
  const deliveries = event.data.deliveries;
  return (
    <div className="version-deliveries" data-testid="version-deliveries">
      <span className="small">
        {deliveries.length === 0 ? 'Notified no webhook (none matched).' : `Delivered to ${deliveries.length} webhook${deliveries.length === 1 ? '' : 's'}:`}
      </span>
      <ul>
        {deliveries.map((delivery) => (
          <li key={delivery.id}>
            <StatusBadge status={delivery.status} />{' '}
            <Link to={`${integrationsPath(slug)}#delivery-${delivery.id}`} data-testid="delivery-link">
              delivery <code>…{delivery.id.slice(-8)}</code>
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}

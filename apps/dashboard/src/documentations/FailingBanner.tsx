import { useApi } from '../app/api-context';
import { formatDateTime } from '../format';
import { Link, integrationsPath } from '../router';
import { useResource } from '../ui/use-resource';

/** Above the documentations: the webhooks failing right now, each with since when and a way to it. */
export function FailingBanner() {
  const api = useApi();
  const failing = useResource(() => api.listFailingWebhooks(), [api]);
  const webhooks = failing.data ?? [];
  if (webhooks.length === 0) return null;
  return (
    <section className="alert alert-warning" role="region" aria-label="Failing webhooks" data-testid="failing-banner">
      <p>
        <strong>
          {webhooks.length === 1 ? '1 webhook is failing' : `${webhooks.length} webhooks are failing`}
        </strong>
        : every attempt to {webhooks.length === 1 ? 'it' : 'them'} has failed since the time shown.
      </p>
      <ul>
        {webhooks.map((webhook) => (
          <li key={webhook.id}>
            <Link to={integrationsPath(webhook.documentation.slug)}>{webhook.documentation.name}</Link>: <code>{webhook.url}</code>, failing since{' '}
            <time dateTime={webhook.failingSince}>{formatDateTime(webhook.failingSince)}</time>
          </li>
        ))}
      </ul>
    </section>
  );
}

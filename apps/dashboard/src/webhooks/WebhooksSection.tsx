import { useEffect, useRef, useState } from 'react';
import type { Documentation, Webhook } from '../api';
import { useApi } from '../app/api-context';
import { CurlExample, apiOrigin } from '../documentations/CurlExample';
import { ProblemAlert } from '../ui/ProblemAlert';
import { useResource } from '../ui/use-resource';
import { AddWebhookForm } from './AddWebhookForm';
import { WebhookCard } from './WebhookCard';

export function WebhooksSection({ documentation }: { documentation: Documentation }) {
  const api = useApi();
  const webhooks = useResource(() => api.listWebhooks(documentation.slug), [api, documentation.slug]);
  const [adding, setAdding] = useState(false);
  // The secret of the webhook just added, shown once in its card.
  const [created, setCreated] = useState<{ id: string; secret: string } | null>(null);

  const [deleted, setDeleted] = useState<string | null>(null);
  const deletedNotice = useRef<HTMLParagraphElement>(null);
  // The card that had focus is gone: focus the sentence that says what happened.
  useEffect(() => {
    if (deleted) deletedNotice.current?.focus();
  }, [deleted]);

  const list = webhooks.data ?? [];
  const replace = (next: Webhook) => webhooks.replace((current) => current?.map((w) => (w.id === next.id ? next : w)));
  const remove = (webhook: Webhook) => {
    webhooks.replace((current) => current?.filter((w) => w.id !== webhook.id));
    setDeleted(webhook.url);
  };

  return (
    <section aria-labelledby="webhooks-title" className="stack-large">
      <div className="section-header">
        <div>
          <h2 id="webhooks-title">Webhooks</h2>
          <p className="muted">Every webhook gets a signed POST each time the structure of {documentation.name} changes.</p>
        </div>
        {list.length > 0 && !adding ? (
          <button type="button" className="button button-primary" onClick={() => setAdding(true)}>
            Add webhook
          </button>
        ) : null}
      </div>

      <ProblemAlert problem={webhooks.problem} action="Could not load the webhooks" />
      {webhooks.loading ? <p className="muted">Loading webhooks…</p> : null}
      {deleted ? (
        <p className="notice" role="status" tabIndex={-1} ref={deletedNotice} data-testid="deleted-notice">
          Deleted the webhook for <code className="break">{deleted}</code>. Its pending retries were cancelled.
        </p>
      ) : null}

      {webhooks.data && list.length === 0 ? (
        <div className="empty-state card">
          <h3>No webhooks yet</h3>
          <p>Add the URL of an endpoint that accepts POST requests. You will get a signing secret to verify that requests come from Hookline.</p>
        </div>
      ) : null}

      {webhooks.data && (adding || list.length === 0) ? (
        <AddWebhookForm
          documentationSlug={documentation.slug}
          onCancel={list.length > 0 ? () => setAdding(false) : undefined}
          onCreated={(webhook) => {
            const { secret, ...view } = webhook;
            webhooks.replace((current) => [...(current ?? []), view]);
            setCreated({ id: webhook.id, secret });
            setDeleted(null);
            setAdding(false);
          }}
        />
      ) : null}

      {list.map((webhook) => (
        <WebhookCard
          key={webhook.id}
          webhook={webhook}
          createdSecret={created?.id === webhook.id ? created.secret : null}
          onSecretSeen={() => setCreated(null)}
          onChange={replace}
          onDeleted={() => remove(webhook)}
        />
      ))}

      {list.length > 0 ? (
        <details className="card help">
          <summary>How do real changes reach these webhooks?</summary>
          <p>
            Whatever publishes {documentation.name} reports each structural change to Hookline, which delivers it to every enabled webhook above, with
            retries. From a CI job:
          </p>
          <CurlExample
            label="Report a change"
            lines={[
              `curl -X POST ${apiOrigin()}/v1/documentations/${documentation.slug}/events`,
              `-H "Authorization: Bearer $HOOKLINE_API_KEY"`,
              `-H "Content-Type: application/json"`,
              `-H "Idempotency-Key: $CI_COMMIT_SHA"`,
              `-d @diff.json`,
            ]}
          />
          <p className="muted">
            <code>diff.json</code> is <code>{'{"diff": {…}}'}</code> in the shape of Bump's structure change.
          </p>
        </details>
      ) : null}
    </section>
  );
}

import type { Webhook } from '../api';
import { formatDateTime } from '../format';

/** An enabled webhook whose every attempt has failed since some time: say since when, before it gets disabled. */
export function FailingNotice({ webhook }: { webhook: Webhook }) {
  if (!webhook.enabled || !webhook.failingSince) return null;
  return (
    <div className="alert alert-warning" data-testid="failing-notice">
      <p>
        <strong>Failing since {formatDateTime(webhook.failingSince)}</strong>: every delivery attempt since then has failed. Hookline keeps retrying on
        its schedule; if it goes on failing, the webhook is disabled.
      </p>
    </div>
  );
}

import type { Webhook } from '../api';
import { formatDateTime } from '../format';

/** Must match DISABLED_BY_USER in packages/db: any other reason was the system's. */
const DISABLED_BY_USER = 'disabled by user';

export function DisabledNotice({ webhook }: { webhook: Webhook }) {
  const when = webhook.disabledAt ? ` on ${formatDateTime(webhook.disabledAt)}` : '';
  const bySystem = webhook.disabledReason && webhook.disabledReason !== DISABLED_BY_USER;
  return (
    <div className={`alert ${bySystem ? 'alert-warning' : 'alert-neutral'}`} data-testid="disabled-notice">
      {bySystem ? (
        <p>
          <strong>Hookline disabled this webhook{when}</strong>: {webhook.disabledReason}.
        </p>
      ) : (
        <p>
          <strong>Disabled{when}</strong> by someone with an API key.
        </p>
      )}
      <p>
        Changes are not delivered while it is disabled. “Test webhook” still sends a ping, so you can check the endpoint before enabling it again.
      </p>
    </div>
  );
}

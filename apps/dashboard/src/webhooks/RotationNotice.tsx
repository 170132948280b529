import { useState } from 'react';
import { asProblem, type ApiProblem, type Webhook } from '../api';
import { useApi } from '../app/api-context';
import { formatDateTime } from '../format';
import { ProblemAlert } from '../ui/ProblemAlert';

interface RotationNoticeProps {
  webhook: Webhook;
  onActivated: (webhook: Webhook) => void;
}

/**
 * What each kind of receiver must do during a rotation, and when each
 * signature switches. Shown while the overlap lasts.
 */
export function RotationNotice({ webhook, onActivated }: RotationNoticeProps) {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  if (!webhook.previousSecretExpiresAt) return null;
  const overlapEnds = formatDateTime(webhook.previousSecretExpiresAt);

  const activate = async () => {
    setBusy(true);
    setProblem(null);
    try {
      onActivated(await api.activateSecret(webhook.id));
    } catch (error) {
      setProblem(asProblem(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="alert stack" data-testid="rotation-notice">
      <p>
        <strong>Standard Webhooks receivers</strong> (<code>webhook-signature</code>): until {overlapEnds} each request carries two signatures, one with each secret.
        Put the new secret in your receiver any time before then.
      </p>
      {webhook.bumpSwitchesAt ? (
        <>
          <p data-testid="bump-pending">
            <strong>Bump receivers</strong> (<code>X-Bump-Signature-256</code>): still signed with the <strong>old</strong> secret. Put the new secret in your receiver,
            then press <em>Activate new secret</em>: from then on this header is signed with the new one. If you do not, it switches by itself at {formatDateTime(webhook.bumpSwitchesAt)}.
            A delivery that arrives between the two steps fails its check and is retried; a receiver that accepts either secret meanwhile misses none.
          </p>
          <ProblemAlert problem={problem ?? undefined} action="Could not activate the new secret" />
          <div className="actions">
            <button type="button" className="button button-small button-primary" onClick={activate} disabled={busy}>
              {busy ? 'Activating…' : 'Activate new secret'}
            </button>
          </div>
        </>
      ) : (
        <p data-testid="bump-active">
          <strong>Bump receivers</strong> (<code>X-Bump-Signature-256</code>): signed with the <strong>new</strong> secret now.
        </p>
      )}
    </div>
  );
}

import { useState } from 'react';
import { asProblem, type ApiProblem, type Webhook } from '../api';
import { useApi } from '../app/api-context';
import { formatDateTime } from '../format';
import { CopyButton } from '../ui/CopyButton';
import { Dialog } from '../ui/Dialog';
import { ProblemAlert } from '../ui/ProblemAlert';
import { OneTimeSecret } from './OneTimeSecret';

interface SigningSecretProps {
  webhook: Webhook;
  /** The webhook as it is after a rotation (new mask, previous secret's expiry). */
  onRotated: (webhook: Webhook) => void;
}

/** Masked by default; revealing it is an explicit request the API can log. */
export function SigningSecret({ webhook, onRotated }: SigningSecretProps) {
  const api = useApi();
  const [revealed, setRevealed] = useState<string | null>(null);
  const [rotated, setRotated] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ action: string; problem: ApiProblem } | null>(null);

  const reveal = async () => {
    setBusy(true);
    setProblem(null);
    try {
      setRevealed(await api.revealSecret(webhook.id));
    } catch (error) {
      setProblem({ action: 'Could not reveal the secret', problem: asProblem(error) });
    } finally {
      setBusy(false);
    }
  };

  const rotate = async () => {
    setBusy(true);
    setProblem(null);
    try {
      const secret = await api.rotateSecret(webhook.id);
      setConfirming(false);
      setRevealed(null);
      setRotated(secret);
      onRotated(await api.getWebhook(webhook.id));
    } catch (error) {
      setConfirming(false);
      setProblem({ action: 'Could not rotate the secret', problem: asProblem(error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="subcard stack" aria-labelledby={`secret-${webhook.id}`}>
      <h4 id={`secret-${webhook.id}`}>Signing secret</h4>
      <p className="hint">
        Verify the <code>X-Bump-Signature-256</code> or <code>webhook-signature</code> header with it.
      </p>
      <div className="secret-line">
        <code className="secret" data-testid="secret-value">
          {revealed ?? webhook.secretMasked}
        </code>
        {revealed ? (
          <>
            <CopyButton text={revealed} label="Copy secret" />
            <button type="button" className="button button-small button-ghost" onClick={() => setRevealed(null)}>
              Hide
            </button>
          </>
        ) : (
          <button type="button" className="button button-small" onClick={reveal} disabled={busy}>
            Reveal
          </button>
        )}
        <button type="button" className="button button-small" onClick={() => setConfirming(true)} disabled={busy}>
          Rotate secret
        </button>
      </div>
      {webhook.previousSecretExpiresAt ? (
        <p className="hint" data-testid="previous-secret">
          The previous secret also signs (as a second signature) until {formatDateTime(webhook.previousSecretExpiresAt)}.
        </p>
      ) : null}
      <ProblemAlert problem={problem?.problem} action={problem?.action} />
      {rotated ? <OneTimeSecret secret={rotated} reason="rotated" onDismiss={() => setRotated(null)} /> : null}
      {confirming ? (
        <Dialog title="Rotate the signing secret?" onClose={() => setConfirming(false)}>
          <p>A new secret is generated and signs every delivery from now on.</p>
          <p>
            <strong>The old secret keeps signing for 24 hours</strong>, as a second signature on each request, so receivers that still check it go on
            working while you update them.
          </p>
          <div className="actions">
            <button type="button" className="button button-primary" onClick={rotate} disabled={busy}>
              {busy ? 'Rotating…' : 'Rotate secret'}
            </button>
            <button type="button" className="button button-ghost" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </Dialog>
      ) : null}
    </section>
  );
}

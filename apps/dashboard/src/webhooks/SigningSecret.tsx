import { useState } from 'react';
import { asProblem, type ApiProblem, type Webhook } from '../api';
import { useApi } from '../app/api-context';
import { CopyButton } from '../ui/CopyButton';
import { Dialog } from '../ui/Dialog';
import { ProblemAlert } from '../ui/ProblemAlert';
import { OneTimeSecret } from './OneTimeSecret';
import { RotationNotice } from './RotationNotice';

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
      <RotationNotice webhook={webhook} onActivated={onRotated} />
      <ProblemAlert problem={problem?.problem} action={problem?.action} />
      {rotated ? <OneTimeSecret secret={rotated} reason="rotated" onDismiss={() => setRotated(null)} /> : null}
      {confirming ? (
        <Dialog title="Rotate the signing secret?" onClose={() => setConfirming(false)}>
          <p>A new secret is generated. Nothing breaks for receivers that still have the old one:</p>
          <ul>
            <li>
              <code>webhook-signature</code> (Standard Webhooks) carries a signature with each secret for 24 hours.
            </li>
            <li>
              <code>X-Bump-Signature-256</code> stays signed with the old secret until you press <em>Activate new secret</em>, or for 24 hours at most.
            </li>
          </ul>
          <p>Another rotation is possible once the new secret is activated.</p>
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

import { useEffect, useId, useState } from 'react';
import { asProblem, type ApiProblem, type Webhook } from '../api';
import { useApi } from '../app/api-context';
import { DeliveryList } from '../deliveries/DeliveryList';
import { HealthPlot } from '../health/HealthPlot';
import { ProblemAlert } from '../ui/ProblemAlert';
import { DangerZone } from './DangerZone';
import { DisabledNotice } from './DisabledNotice';
import { FailingNotice } from './FailingNotice';
import { OneTimeSecret } from './OneTimeSecret';
import { RecoverOffer } from './RecoverOffer';
import { SigningSecret } from './SigningSecret';
import { WebhookSettingsForm } from './WebhookSettingsForm';

interface WebhookCardProps {
  webhook: Webhook;
  createdSecret: string | null;
  onSecretSeen: () => void;
  onChange: (webhook: Webhook) => void;
  onDeleted: () => void;
}

export function WebhookCard({ webhook, createdSecret, onSecretSeen, onChange, onDeleted }: WebhookCardProps) {
  const api = useApi();
  const titleId = useId();
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState<'test' | 'toggle' | null>(null);
  const [problem, setProblem] = useState<{ action: string; problem: ApiProblem } | null>(null);
  const [notice, setNotice] = useState('');
  // Bumped to make the deliveries and the health plot load again.
  const [activity, setActivity] = useState(0);
  const [settled, setSettled] = useState(0);
  const [testedId, setTestedId] = useState<string | null>(null);
  // Set when a disabled webhook is enabled again: from when to offer recovering deliveries.
  const [recoverSince, setRecoverSince] = useState<string | null>(null);

  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(''), 8_000);
    return () => clearTimeout(timer);
  }, [notice]);

  const sendTest = async () => {
    setBusy('test');
    setProblem(null);
    try {
      const { deliveryId } = await api.testWebhook(webhook.id);
      setTestedId(deliveryId);
      setNotice('Test delivery queued: it appears at the top of Recent deliveries.');
      setActivity((n) => n + 1);
    } catch (error) {
      setProblem({ action: 'Could not send a test', problem: asProblem(error) });
    } finally {
      setBusy(null);
    }
  };

  const setEnabled = async (enabled: boolean) => {
    setBusy('toggle');
    setProblem(null);
    try {
      const trouble = troubleSince(webhook);
      onChange(await api.updateWebhook(webhook.id, { enabled }));
      setNotice(enabled ? 'Webhook enabled.' : 'Webhook disabled: nothing is delivered to it until you enable it again.');
      setRecoverSince(enabled ? trouble : null);
    } catch (error) {
      setProblem({ action: enabled ? 'Could not enable the webhook' : 'Could not disable the webhook', problem: asProblem(error) });
    } finally {
      setBusy(null);
    }
  };

  return (
    <article className="card webhook" aria-labelledby={titleId} data-testid="webhook-card" data-webhook-id={webhook.id}>
      <header className="webhook-header">
        <div className="webhook-identity">
          <h3 id={titleId} className="webhook-url">
            {webhook.url}
          </h3>
          <p className="badges">
            <span className={`badge ${webhook.enabled ? 'badge-ok' : 'badge-muted'}`}>
              <span aria-hidden="true">{webhook.enabled ? '●' : '○'}</span> {webhook.enabled ? 'Enabled' : 'Disabled'}
            </span>
            {webhook.enabled && webhook.failingSince ? <span className="badge badge-warning">Failing</span> : null}
            <span className="badge badge-neutral">{webhook.breakingOnly ? 'Breaking changes only' : 'All changes'}</span>
            {webhook.description ? <span className="muted">{webhook.description}</span> : null}
          </p>
        </div>
        <div className="actions">
          <button type="button" className="button" onClick={sendTest} disabled={busy !== null}>
            {busy === 'test' ? 'Sending…' : 'Test webhook'}
          </button>
          <button type="button" className="button" onClick={() => setEditing((open) => !open)} aria-expanded={editing}>
            Edit
          </button>
          <button type="button" className="button" onClick={() => setEnabled(!webhook.enabled)} disabled={busy !== null}>
            {webhook.enabled ? 'Disable' : 'Enable'}
          </button>
        </div>
      </header>

      <p className="visually-hidden" role="status">
        {notice}
      </p>
      {notice ? (
        <p className="notice" aria-hidden="true">
          {notice}
        </p>
      ) : null}
      <ProblemAlert problem={problem?.problem} action={problem?.action} />
      {createdSecret ? <OneTimeSecret secret={createdSecret} reason="created" onDismiss={onSecretSeen} /> : null}
      {!webhook.enabled ? <DisabledNotice webhook={webhook} /> : <FailingNotice webhook={webhook} />}
      {webhook.enabled && recoverSince ? (
        <RecoverOffer
          webhookId={webhook.id}
          defaultSince={recoverSince}
          onClose={(recovered) => {
            setRecoverSince(null);
            if (recovered > 0) {
              setNotice(`${recovered} deliveries queued again.`);
              setActivity((n) => n + 1);
            }
          }}
        />
      ) : null}
      {editing ? (
        <WebhookSettingsForm
          webhook={webhook}
          onSaved={(saved) => {
            onChange(saved);
            setEditing(false);
            setNotice('Webhook saved.');
          }}
          onCancel={() => setEditing(false)}
        />
      ) : null}

      <div className="webhook-grid">
        <SigningSecret webhook={webhook} onRotated={onChange} />
        <HealthPlot webhookId={webhook.id} refreshToken={activity + settled} />
      </div>

      <DeliveryList webhookId={webhook.id} refreshToken={activity} highlightId={testedId} onSettled={() => setSettled((n) => n + 1)} />

      <DangerZone webhook={webhook} onDeleted={onDeleted} />
    </article>
  );
}

const DAY_MS = 24 * 3_600_000;
const AUTO_DISABLE_WINDOW_MS = 5 * DAY_MS;

/**
 * Where the recovery offer starts: the failing window when Hookline disabled
 * the webhook for failing throughout it, else the day before it was disabled
 * (the failures that led to a 410, or to a person switching it off).
 */
function troubleSince(webhook: Webhook): string {
  const disabledAt = webhook.disabledAt ? new Date(webhook.disabledAt).getTime() : Date.now();
  const failing = webhook.disabledReason?.startsWith('Every delivery attempt has failed') ?? false;
  return new Date(disabledAt - (failing ? AUTO_DISABLE_WINDOW_MS : DAY_MS)).toISOString();
}

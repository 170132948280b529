import { CopyButton } from '../ui/CopyButton';

interface OneTimeSecretProps {
  secret: string;
  /** Why it is shown: just created, or just rotated. */
  reason: 'created' | 'rotated';
  onDismiss: () => void;
}

/** The secret in full, right after it was made: the moment to copy it into the receiver. */
export function OneTimeSecret({ secret, reason, onDismiss }: OneTimeSecretProps) {
  return (
    <div className="alert alert-success one-time-secret" role="status" data-testid="one-time-secret">
      <p>
        <strong>{reason === 'created' ? 'Webhook added. ' : 'New secret generated. '}</strong>
        Copy the signing secret now and store it with your receiver: it is shown in full only this once (you can reveal it again later on purpose).
        {reason === 'rotated' ? ' The old secret keeps signing until you activate this one (at most 24 hours): see below what each receiver must do.' : null}
      </p>
      <div className="secret-line">
        <code className="secret" data-testid="full-secret">
          {secret}
        </code>
        <CopyButton text={secret} label="Copy secret" />
      </div>
      <button type="button" className="button button-small" onClick={onDismiss}>
        I have stored it
      </button>
    </div>
  );
}

import type { DeliveryStatus } from '../api';

/** Shape and word as well as colour: readable without colour vision and in grayscale. */
const STATUS: Record<DeliveryStatus, { label: string; icon: string; tone: string; explanation: string }> = {
  pending: { label: 'Pending', icon: '◌', tone: 'info', explanation: 'Waiting for its first attempt' },
  retrying: { label: 'Retrying', icon: '↻', tone: 'warning', explanation: 'An attempt failed; another is scheduled' },
  succeeded: { label: 'Succeeded', icon: '✓', tone: 'ok', explanation: 'The endpoint answered 2xx' },
  exhausted: { label: 'Failed', icon: '✕', tone: 'error', explanation: 'Every attempt failed; no more are scheduled' },
  cancelled: { label: 'Cancelled', icon: '–', tone: 'muted', explanation: 'Not sent: the webhook was disabled or deleted' },
};

export const isInFlight = (status: DeliveryStatus) => status === 'pending' || status === 'retrying';

export function StatusBadge({ status }: { status: DeliveryStatus }) {
  const { label, icon, tone, explanation } = STATUS[status];
  return (
    <span className={`badge badge-${tone}`} title={explanation} data-status={status}>
      <span aria-hidden="true">{icon}</span> {label}
    </span>
  );
}

/** "200", "503", or the failure kind when there was no HTTP answer at all. */
export function httpOutcome(statusCode: number | null | undefined, error: string | null | undefined): string {
  if (statusCode) return String(statusCode);
  if (error) return error.split(':')[0] ?? error;
  return '—';
}

import { useEffect, useState, type FormEvent } from 'react';
import type { DeliveryFilters as Filters, DeliveryStatus } from '../api';
import { navigate, useSearch } from '../router';

const STATUSES: DeliveryStatus[] = ['pending', 'retrying', 'succeeded', 'exhausted', 'cancelled'];
const KEYS = ['status', 'eventType', 'httpStatus', 'from', 'to', 'deliveryId', 'eventId'] as const;

/**
 * The filters live in the address (`?webhook=<id>&status=exhausted,retrying…`)
 * so a filtered view can be shared; they apply to the list of the webhook the
 * address names.
 */
export function useDeliveryFilters(webhookId: string): { filters: Filters; active: boolean; apply: (filters: Filters) => void } {
  const search = useSearch();
  const params = new URLSearchParams(search);
  const mine = params.get('webhook') === webhookId;
  const filters: Filters = {};
  if (mine) for (const key of KEYS) if (params.get(key)) filters[key] = params.get(key)!;
  const apply = (next: Filters) => {
    const updated = new URLSearchParams(location.search);
    for (const key of [...KEYS, 'webhook']) updated.delete(key);
    const entries = Object.entries(next).filter(([, value]) => value);
    if (entries.length > 0) {
      updated.set('webhook', webhookId);
      for (const [key, value] of entries) updated.set(key, value!);
    }
    const query = updated.toString();
    navigate(`${location.pathname}${query ? `?${query}` : ''}`, { replace: true });
  };
  return { filters, active: Object.keys(filters).length > 0, apply };
}

/** datetime-local shows the browser's time; the address and the API take ISO 8601. */
const toLocalInput = (iso: string | undefined) => {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};
const fromLocalInput = (value: string) => (value ? new Date(value).toISOString() : undefined);

export function DeliveryFilterBar({ filters, onApply }: { filters: Filters; onApply: (filters: Filters) => void }) {
  const [statuses, setStatuses] = useState<string[]>([]);
  const [eventType, setEventType] = useState('');
  const [httpStatus, setHttpStatus] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [id, setId] = useState('');
  const key = JSON.stringify(filters);
  useEffect(() => {
    setStatuses(filters.status ? filters.status.split(',') : []);
    setEventType(filters.eventType ?? '');
    setHttpStatus(filters.httpStatus ?? '');
    setFrom(toLocalInput(filters.from));
    setTo(toLocalInput(filters.to));
    setId(filters.deliveryId ?? filters.eventId ?? '');
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  const idKind = filters.eventId ? 'eventId' : 'deliveryId';
  const [idField, setIdField] = useState<'deliveryId' | 'eventId'>(idKind);
  useEffect(() => setIdField(idKind), [idKind]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply({
      status: statuses.length > 0 ? statuses.join(',') : undefined,
      eventType: eventType || undefined,
      httpStatus: httpStatus.trim() || undefined,
      from: fromLocalInput(from),
      to: fromLocalInput(to),
      [idField]: id.trim() || undefined,
    });
  };

  return (
    <form className="delivery-filters" onSubmit={submit} aria-label="Filter deliveries" data-testid="delivery-filters">
      <fieldset className="filter-statuses">
        <legend>Status</legend>
        {STATUSES.map((status) => (
          <label key={status} className="filter-chip">
            <input
              type="checkbox"
              checked={statuses.includes(status)}
              onChange={(event) => setStatuses((current) => (event.target.checked ? [...current, status] : current.filter((s) => s !== status)))}
            />
            {status}
          </label>
        ))}
      </fieldset>
      <label className="filter-field">
        Event
        <select className="input" value={eventType} onChange={(event) => setEventType(event.target.value)}>
          <option value="">Any</option>
          <option value="documentation.structure_change">Structure change</option>
          <option value="ping">Ping</option>
        </select>
      </label>
      <label className="filter-field">
        HTTP status
        <input className="input" list="http-classes" placeholder="2xx, 4xx, 503…" value={httpStatus} onChange={(event) => setHttpStatus(event.target.value)} size={8} />
        <datalist id="http-classes">
          <option value="2xx" />
          <option value="4xx" />
          <option value="5xx" />
        </datalist>
      </label>
      <label className="filter-field">
        From
        <input className="input" type="datetime-local" value={from} onChange={(event) => setFrom(event.target.value)} />
      </label>
      <label className="filter-field">
        To
        <input className="input" type="datetime-local" value={to} onChange={(event) => setTo(event.target.value)} />
      </label>
      <label className="filter-field">
        <select className="input filter-id-kind" aria-label="Id kind" value={idField} onChange={(event) => setIdField(event.target.value as 'deliveryId' | 'eventId')}>
          <option value="deliveryId">webhook-id</option>
          <option value="eventId">Event id</option>
        </select>
        <input className="input" aria-label="Id" placeholder="0193…" spellCheck={false} value={id} onChange={(event) => setId(event.target.value)} size={14} />
      </label>
      <div className="actions">
        <button type="submit" className="button button-small button-primary">
          Apply filters
        </button>
        <button type="button" className="button button-small button-ghost" onClick={() => onApply({})}>
          Clear
        </button>
      </div>
    </form>
  );
}

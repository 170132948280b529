import type { Attempt } from '../api';
import { formatDateTime, formatDuration, formatTime, prettyBody } from '../format';

const succeeded = (attempt: Attempt) => attempt.responseStatus !== null && attempt.responseStatus >= 200 && attempt.responseStatus < 300;

function Headers({ headers }: { headers: Record<string, string | string[]> | null }) {
  const entries = Object.entries(headers ?? {});
  if (entries.length === 0) return <p className="muted">None recorded.</p>;
  return (
    <dl className="headers">
      {entries.map(([name, value]) => (
        <div key={name}>
          <dt>{name}</dt>
          <dd>{Array.isArray(value) ? value.join(', ') : value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** One attempt: what was sent, what came back (or why nothing did). */
export function AttemptView({ attempt, number, open }: { attempt: Attempt; number: number; open: boolean }) {
  const ok = succeeded(attempt);
  const outcome = attempt.responseStatus !== null ? `HTTP ${attempt.responseStatus}` : (attempt.error?.kind ?? 'no answer');
  return (
    <li className={`attempt ${ok ? 'attempt-ok' : 'attempt-failed'}`} data-testid="attempt">
      <details open={open}>
        <summary>
          <span className="attempt-number">#{number}</span>
          <span className={`badge ${ok ? 'badge-ok' : 'badge-error'}`}>
            <span aria-hidden="true">{ok ? '✓' : '✕'}</span> {outcome}
          </span>
          <span className="muted">{attempt.trigger === 'manual' ? 'redelivery' : 'scheduled'}</span>
          <span className="muted">{formatDuration(attempt.durationMs)}</span>
          <time className="muted" dateTime={attempt.at} title={formatDateTime(attempt.at)}>
            {formatTime(attempt.at)}
          </time>
        </summary>
        <div className="attempt-body">
          {attempt.url ? (
            <p className="break" data-testid="attempt-url">
              Sent to <code>{attempt.url}</code>
            </p>
          ) : null}
          {attempt.reduced ? <p className="muted">Only the status, timing and error kind of this attempt could be stored.</p> : null}
          {attempt.error ? (
            <div className="alert alert-error">
              <p>
                <strong>{attempt.error.kind}</strong>
                {attempt.error.message ? `: ${attempt.error.message}` : null}
              </p>
              {ERROR_HINTS[attempt.error.kind] ? <p>{ERROR_HINTS[attempt.error.kind]}</p> : null}
            </div>
          ) : null}
          <div className="attempt-columns">
            <section>
              <h4>Request headers</h4>
              <Headers headers={attempt.requestHeaders} />
            </section>
            <section>
              <h4>Response {attempt.responseStatus !== null ? <code>{attempt.responseStatus}</code> : null}</h4>
              {attempt.responseStatus === null ? (
                <p className="muted">No HTTP response was received.</p>
              ) : (
                <>
                  <Headers headers={attempt.responseHeaders} />
                  <h5>
                    Body (first 16 KiB)
                    {attempt.responseBodyEncoding === 'utf8-replaced' ? ' — bytes that are not text (NUL, invalid UTF-8) shown as �' : null}
                    {attempt.responseBodyEncoding === 'base64' ? ' — binary, first 4 KiB in base64' : null}
                  </h5>
                  {attempt.responseBody ? (
                    <pre className="response-body">
                      <code>{prettyBody(attempt.responseBody)}</code>
                    </pre>
                  ) : (
                    <p className="muted">Empty.</p>
                  )}
                </>
              )}
            </section>
          </div>
        </div>
      </details>
    </li>
  );
}

/** What to do about the errors a person can fix. */
const ERROR_HINTS: Record<string, string> = {
  address_refused:
    'Hookline does not deliver to loopback, private or cloud-metadata addresses. If this endpoint is yours on a private network, the operator can allow its range with DELIVERY_ALLOWED_CIDRS (e.g. 10.0.0.0/8, or 127.0.0.0/8 for local testing).',
  redirect_not_followed: 'Redirects are never followed: use the final URL as the webhook URL.',
  timeout: 'The endpoint did not answer in time. Answer 2xx first and do the work afterwards.',
};

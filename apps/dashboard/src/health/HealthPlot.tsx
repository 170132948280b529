import { useEffect } from 'react';
import type { HourlyStats } from '../api';
import { useApi } from '../app/api-context';
import { formatDuration } from '../format';
import { ProblemAlert } from '../ui/ProblemAlert';
import { useResource } from '../ui/use-resource';
import { HealthChart } from './HealthChart';

const HOURS = 24;
/** The plot is about hours: a refresh a minute keeps the current bar honest. */
const REFRESH_MS = 60_000;

function summary(buckets: HourlyStats[]) {
  const succeeded = buckets.reduce((sum, b) => sum + b.succeeded, 0);
  const failed = buckets.reduce((sum, b) => sum + b.failed, 0);
  const total = succeeded + failed;
  const p95s = buckets.flatMap((b) => (b.p95Ms === null ? [] : [b.p95Ms]));
  return { succeeded, failed, total, rate: total ? Math.round((succeeded / total) * 1000) / 10 : null, worstP95: p95s.length ? Math.max(...p95s) : null };
}

export function HealthPlot({ webhookId, refreshToken }: { webhookId: string; refreshToken: number }) {
  const api = useApi();
  const stats = useResource(() => api.webhookStats(webhookId, HOURS), [api, webhookId]);

  useEffect(() => {
    if (refreshToken > 0) void stats.reload();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [refreshToken]);

  useEffect(() => {
    const timer = setInterval(() => void stats.reload(), REFRESH_MS);
    return () => clearInterval(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const buckets = stats.data?.buckets ?? [];
  const totals = summary(buckets);

  return (
    <section className="subcard health" aria-labelledby={`health-${webhookId}`} data-testid="health">
      <h4 id={`health-${webhookId}`}>Last 24 hours</h4>
      <ProblemAlert problem={stats.problem} action="Health data is not available" />
      {stats.loading ? <p className="muted">Loading…</p> : null}
      {stats.data ? (
        <>
          <p className="health-summary" data-testid="health-summary">
            {totals.total === 0 ? (
              'No attempts in the last 24 hours: “Test webhook” sends one.'
            ) : (
              <>
                Attempts: <strong>{totals.succeeded}</strong> succeeded, <strong className={totals.failed ? 'text-error' : ''}>{totals.failed}</strong> failed
                {totals.rate !== null ? ` (${totals.rate}% ok)` : ''}
                {totals.worstP95 !== null ? ` · slowest hour p95 ${formatDuration(totals.worstP95)}` : ''}
              </>
            )}
          </p>
          <HealthChart buckets={buckets} />
          <ul className="legend" aria-label="Legend">
            <li>
              <span className="swatch swatch-succeeded" aria-hidden="true" /> Succeeded
            </li>
            <li>
              <span className="swatch swatch-failed" aria-hidden="true" /> Failed
            </li>
            <li>
              <span className="swatch swatch-latency" aria-hidden="true" /> p95 latency
            </li>
          </ul>
        </>
      ) : null}
    </section>
  );
}

import { useId } from 'react';
import type { HourlyStats } from '../api';
import { formatDuration, formatHour } from '../format';

const WIDTH = 480;
const HEIGHT = 126;
// Room above the plot for the scale labels, so the tallest bar never covers them.
const PLOT_TOP = 16;
const PLOT_BOTTOM = 104;
const PLOT_HEIGHT = PLOT_BOTTOM - PLOT_TOP;

function bucketTitle(bucket: HourlyStats): string {
  const latency = bucket.p50Ms === null ? 'no attempts' : `p50 ${formatDuration(bucket.p50Ms)}, p95 ${formatDuration(bucket.p95Ms)}`;
  return `${formatHour(bucket.hour)}: ${bucket.succeeded} succeeded, ${bucket.failed} failed; ${latency}`;
}

/** The p95 line, broken where an hour had no attempts (no latency is not zero latency). */
function latencyPath(buckets: HourlyStats[], slot: number, maxLatency: number): string {
  let path = '';
  let drawing = false;
  buckets.forEach((bucket, index) => {
    if (bucket.p95Ms === null) {
      drawing = false;
      return;
    }
    const x = index * slot + slot / 2;
    const y = PLOT_BOTTOM - (bucket.p95Ms / maxLatency) * PLOT_HEIGHT;
    path += `${drawing ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`;
    drawing = true;
  });
  return path;
}

/**
 * Stacked bars of attempts per hour (succeeded below, failed hatched above)
 * on the left scale, and the p95 latency as a line on its own scale.
 * Hand-drawn SVG: a few dozen elements need no chart library.
 */
export function HealthChart({ buckets }: { buckets: HourlyStats[] }) {
  const id = useId();
  const slot = WIDTH / Math.max(buckets.length, 1);
  const barWidth = Math.max(slot - 3, 1);
  const busiest = Math.max(0, ...buckets.map((b) => b.succeeded + b.failed));
  const maxCount = Math.max(1, busiest);
  const latencies = buckets.flatMap((b) => (b.p95Ms === null ? [] : [b.p95Ms]));
  const maxLatency = Math.max(1, ...latencies);
  const scale = (count: number) => (count / maxCount) * PLOT_HEIGHT;
  const line = latencyPath(buckets, slot, maxLatency);
  const points = buckets.filter((b) => b.p95Ms !== null).length;

  return (
    <svg className="health-chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={`${id}-title`} data-testid="health-chart">
      <title id={`${id}-title`}>Attempts per hour and p95 latency over the last {buckets.length} hours</title>
      <defs>
        <pattern id={`${id}-hatch`} width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
          <rect width="4" height="4" className="chart-failed" />
          <line x1="0" y1="0" x2="0" y2="4" className="chart-hatch" />
        </pattern>
      </defs>
      <line x1="0" x2={WIDTH} y1={PLOT_BOTTOM + 0.5} y2={PLOT_BOTTOM + 0.5} className="chart-axis" />
      <line x1="0" x2={WIDTH} y1={PLOT_TOP + 0.5} y2={PLOT_TOP + 0.5} className="chart-grid" />
      {buckets.map((bucket, index) => {
        const x = index * slot + (slot - barWidth) / 2;
        const ok = scale(bucket.succeeded);
        const failed = scale(bucket.failed);
        return (
          <g key={bucket.hour}>
            <title>{bucketTitle(bucket)}</title>
            {/* A full-height hit area so the hour's numbers show on hover even with no bar. */}
            <rect x={index * slot} y={PLOT_TOP} width={slot} height={PLOT_HEIGHT} className="chart-hit" />
            {ok > 0 ? <rect x={x} y={PLOT_BOTTOM - ok} width={barWidth} height={ok} className="chart-succeeded" rx="1" /> : null}
            {failed > 0 ? <rect x={x} y={PLOT_BOTTOM - ok - failed} width={barWidth} height={failed} fill={`url(#${id}-hatch)`} rx="1" /> : null}
          </g>
        );
      })}
      {line ? <path d={line} className="chart-latency" /> : null}
      {points === 1
        ? buckets.map((bucket, index) =>
            bucket.p95Ms === null ? null : (
              <circle key={bucket.hour} cx={index * slot + slot / 2} cy={PLOT_BOTTOM - (bucket.p95Ms / maxLatency) * PLOT_HEIGHT} r="2.5" className="chart-latency-point" />
            ),
          )
        : null}
      {busiest > 0 ? (
        <text x="2" y={PLOT_TOP - 5} className="chart-label">
          {busiest} attempts/h
        </text>
      ) : (
        <text x={WIDTH / 2} y={(PLOT_TOP + PLOT_BOTTOM) / 2} className="chart-label" textAnchor="middle">
          No attempts
        </text>
      )}
      {latencies.length > 0 ? (
        <text x={WIDTH - 2} y={PLOT_TOP - 5} className="chart-label chart-label-latency" textAnchor="end">
          p95 {formatDuration(maxLatency)}
        </text>
      ) : null}
      <text x="2" y={HEIGHT - 4} className="chart-label">
        {buckets.length ? `${buckets.length} h ago` : ''}
      </text>
      <text x={WIDTH - 2} y={HEIGHT - 4} className="chart-label" textAnchor="end">
        now
      </text>
    </svg>
  );
}

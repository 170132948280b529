/**
 * The benchmark's plot, written by hand: throughput by worker processes on the
 * left, latency percentiles (log scale) on the right. No chart library.
 */
export interface ThroughputGroup {
  label: string;
  values: Array<{ series: string; value: number | null }>;
}

export interface LatencyGroup {
  label: string;
  values: Array<{ series: string; value: number | null }>;
}

export interface PlotInput {
  title: string;
  subtitle: string;
  throughput: ThroughputGroup[];
  latency: LatencyGroup[];
  colors: Record<string, string>;
}

const WIDTH = 1000;
const HEIGHT = 460;
const PANEL = { top: 80, bottom: 380, width: 430 };

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmt = (v: number) => (v === 0 ? '0' : v >= 100 ? Math.round(v).toLocaleString('en-US') : v >= 10 ? v.toFixed(0) : v.toFixed(1));
const slug = (series: string) => series.toLowerCase().replace(/[^a-z0-9]+/g, '-');

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

function bars(
  groups: Array<{ label: string; values: Array<{ series: string; value: number | null }> }>,
  x0: number,
  y: (v: number) => number,
  colors: Record<string, string>,
  unit: string,
): string[] {
  const out: string[] = [];
  const groupWidth = PANEL.width / Math.max(groups.length, 1);
  groups.forEach((group, gi) => {
    const present = group.values;
    const barWidth = Math.min(28, (groupWidth - 16) / Math.max(present.length, 1));
    const start = x0 + gi * groupWidth + (groupWidth - barWidth * present.length) / 2;
    present.forEach((entry, bi) => {
      const x = start + bi * barWidth;
      if (entry.value === null || !(entry.value > 0)) {
        out.push(`<text x="${x + barWidth / 2}" y="${PANEL.bottom - 4}" font-size="9" text-anchor="middle" fill="#999">n/a</text>`);
        return;
      }
      const top = y(entry.value);
      out.push(
        `<rect class="bar series-${slug(entry.series)}" data-series="${esc(entry.series)}" x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${(PANEL.bottom - top).toFixed(1)}" fill="${colors[entry.series] ?? '#888'}">` +
          `<title>${esc(`${group.label} · ${entry.series}: ${fmt(entry.value)} ${unit}`)}</title></rect>`,
        `<text x="${(x + (barWidth - 2) / 2).toFixed(1)}" y="${(top - 3).toFixed(1)}" font-size="9" text-anchor="middle" fill="#333">${esc(fmt(entry.value))}</text>`,
      );
    });
    out.push(`<text x="${(x0 + gi * groupWidth + groupWidth / 2).toFixed(1)}" y="${PANEL.bottom + 16}" font-size="11" text-anchor="middle" fill="#222">${esc(group.label)}</text>`);
  });
  return out;
}

function legend(series: string[], x: number, y: number, colors: Record<string, string>): string[] {
  return series.map((name, i) => {
    const lx = x + (i % 2) * 215;
    const ly = y + Math.floor(i / 2) * 16;
    return `<g class="legend" data-series="${esc(name)}"><rect x="${lx}" y="${ly - 9}" width="10" height="10" fill="${colors[name] ?? '#888'}"/><text x="${lx + 14}" y="${ly}" font-size="11" fill="#222">${esc(name)}</text></g>`;
  });
}

export function renderPlot(input: PlotInput): string {
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    `<text x="20" y="26" font-size="16" font-weight="bold" fill="#111">${esc(input.title)}</text>`,
    `<text x="20" y="44" font-size="11" fill="#555">${esc(input.subtitle)}</text>`,
  ];

  // Left: deliveries (or no-op jobs) per second by worker processes, linear axis.
  const left = 70;
  const tMax = niceMax(Math.max(1, ...input.throughput.flatMap((g) => g.values.map((v) => v.value ?? 0))));
  const ty = (v: number) => PANEL.bottom - (v / tMax) * (PANEL.bottom - PANEL.top);
  out.push(`<g id="throughput">`, `<text x="${left}" y="${PANEL.top - 14}" font-size="13" font-weight="bold" fill="#111">Throughput by worker processes (fan-out 1), per second</text>`);
  for (let i = 0; i <= 5; i += 1) {
    const v = (tMax / 5) * i;
    out.push(
      `<line x1="${left}" x2="${left + PANEL.width}" y1="${ty(v).toFixed(1)}" y2="${ty(v).toFixed(1)}" stroke="#e5e5e5"/>`,
      `<text x="${left - 6}" y="${(ty(v) + 4).toFixed(1)}" font-size="10" text-anchor="end" fill="#555">${esc(fmt(v))}</text>`,
    );
  }
  out.push(...bars(input.throughput, left, ty, input.colors, '/s'));
  out.push(`<line x1="${left}" x2="${left}" y1="${PANEL.top}" y2="${PANEL.bottom}" stroke="#333"/>`, `<line x1="${left}" x2="${left + PANEL.width}" y1="${PANEL.bottom}" y2="${PANEL.bottom}" stroke="#333"/>`);
  const throughputSeries = [...new Set(input.throughput.flatMap((g) => g.values.map((v) => v.series)))];
  out.push(...legend(throughputSeries, left, PANEL.bottom + 40, input.colors), `</g>`);

  // Right: latency percentiles in ms, log axis (ingest is milliseconds, a backlog's end-to-end is seconds).
  const right = 560;
  const lValues = input.latency.flatMap((g) => g.values.map((v) => v.value ?? 0)).filter((v) => v > 0);
  const decades = { low: Math.floor(Math.log10(Math.min(1, ...lValues))), high: Math.ceil(Math.log10(Math.max(10, ...lValues))) };
  const ly = (v: number) => PANEL.bottom - ((Math.log10(Math.max(v, 10 ** decades.low)) - decades.low) / (decades.high - decades.low)) * (PANEL.bottom - PANEL.top);
  out.push(`<g id="latency">`, `<text x="${right}" y="${PANEL.top - 14}" font-size="13" font-weight="bold" fill="#111">Latency percentiles, ms (log scale)</text>`);
  for (let d = decades.low; d <= decades.high; d += 1) {
    const v = 10 ** d;
    out.push(
      `<line x1="${right}" x2="${right + PANEL.width}" y1="${ly(v).toFixed(1)}" y2="${ly(v).toFixed(1)}" stroke="#e5e5e5"/>`,
      `<text x="${right - 6}" y="${(ly(v) + 4).toFixed(1)}" font-size="10" text-anchor="end" fill="#555">${esc(fmt(v))}</text>`,
    );
  }
  out.push(...bars(input.latency, right, ly, input.colors, 'ms'));
  out.push(`<line x1="${right}" x2="${right}" y1="${PANEL.top}" y2="${PANEL.bottom}" stroke="#333"/>`, `<line x1="${right}" x2="${right + PANEL.width}" y1="${PANEL.bottom}" y2="${PANEL.bottom}" stroke="#333"/>`);
  const latencySeries = [...new Set(input.latency.flatMap((g) => g.values.map((v) => v.series)))];
  out.push(...legend(latencySeries, right, PANEL.bottom + 40, input.colors), `</g>`);

  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

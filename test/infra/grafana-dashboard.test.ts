import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createMetrics } from '../../apps/api/src/metrics';
import { createWorkerMetrics } from '../../apps/worker/src/metrics';

interface Panel {
  title: string;
  targets?: Array<{ expr: string }>;
}

const dashboard = JSON.parse(readFileSync(path.resolve(__dirname, '../../docs/grafana/hookline-dashboard.json'), 'utf8')) as { panels: Panel[] };

/** Every series name the project exports: counters and gauges as named, histograms as their _bucket/_sum/_count series. */
async function exportedSeries(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const registry of [createMetrics().registry, createWorkerMetrics().registry]) {
    for (const metric of await registry.getMetricsAsJSON()) {
      if (String(metric.type) === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${metric.name}${suffix}`);
      else names.add(metric.name);
    }
  }
  return names;
}

describe('the Grafana dashboard (docs/grafana/hookline-dashboard.json)', () => {
  it('names only metrics the API and the worker export, in every query', async () => {
    const exported = await exportedSeries();
    const queries = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })));
    expect(queries.length).toBeGreaterThanOrEqual(10);
    for (const { panel, expr } of queries) {
      const named = expr.match(/\bhookline_[a-z_]+\b/g) ?? [];
      expect({ panel, expr, named: named.length > 0 }).toEqual({ panel, expr, named: true });
      for (const name of named) expect({ panel, name, exported: exported.has(name) }).toEqual({ panel, name, exported: true });
    }
  });

  it('covers throughput, lag, error kinds, queue depth per shard and open circuits', () => {
    const all = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr)).join('\n');
    expect(all).toMatch(/rate\(hookline_worker_attempts_total/);
    expect(all).toMatch(/hookline_worker_job_wait_seconds_bucket/);
    expect(all).toMatch(/by \(error_kind\)/);
    expect(all).toMatch(/by \(shard, state\) \(hookline_queue_jobs\)/);
    expect(all).toMatch(/hookline_worker_open_circuits/);
  });
});

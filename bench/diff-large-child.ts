// One measurement of the diff-large scenario, in a process of its own so its
// peak RSS is the diff's: what the worker's diffVersion job does with the two
// stored definitions (JSON text in, parsed and compared in a thread, Bump diff
// and summary out).
import { readFileSync } from 'node:fs';
import { compareInThread } from '../apps/worker/src/versions/diff-runner';
import { GITHUB_RELEASES, githubDefinitionText } from '../test/support/octokit';

const peakRssMb = () => Math.round(Number(/^VmHWM:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024);

async function main(): Promise<void> {
  const texts = GITHUB_RELEASES.map((release) => githubDefinitionText(release));
  const baselineRssMb = peakRssMb();
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  const comparison = await compareInThread(texts[0]!, texts[1]!, { id: 'bench', publicUrl: '/bench' });
  const done = process.hrtime.bigint();
  const used = process.cpuUsage(cpu);
  const ms = (from: bigint, to: bigint) => Math.round(Number(to - from) / 1e6);
  process.stdout.write(
    JSON.stringify({
      releases: GITHUB_RELEASES,
      bytes: texts.map((text) => Buffer.byteLength(text)),
      // Wall time from the definitions' text to the diff: thread start, parse, compare, map to Bump's shape.
      totalMs: ms(started, done),
      // CPU time of the process (every thread) meanwhile: what the wall time is on an idle core.
      cpuMs: Math.round((used.user + used.system) / 1000),
      baselineRssMb,
      peakRssMb: peakRssMb(),
      items: comparison.diff.details.length,
      summary: comparison.summary.text.slice(0, 80),
    }) + '\n',
  );
}

void main();

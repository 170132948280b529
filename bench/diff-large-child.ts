// One measurement of the diff-large scenario, in a process of its own so its
// peak RSS is the diff's: what the worker's diffVersion job does with the two
// stored definitions (JSON text in, Bump diff and summary out).
import { readFileSync } from 'node:fs';
import { compareDefinitions, type DefinitionObject } from '@hookline/definitions';
import { GITHUB_RELEASES, githubDefinitionText } from '../test/support/octokit';

const peakRssMb = () => Math.round(Number(/^VmHWM:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024);

async function main(): Promise<void> {
  const texts = GITHUB_RELEASES.map((release) => githubDefinitionText(release));
  const baselineRssMb = peakRssMb();
  const started = process.hrtime.bigint();
  const [before, after] = texts.map((text) => JSON.parse(text) as DefinitionObject);
  const parsed = process.hrtime.bigint();
  const comparison = await compareDefinitions(before!, after!, { id: 'bench', publicUrl: '/bench' });
  const done = process.hrtime.bigint();
  const ms = (from: bigint, to: bigint) => Math.round(Number(to - from) / 1e6);
  process.stdout.write(
    JSON.stringify({
      releases: GITHUB_RELEASES,
      bytes: texts.map((text) => Buffer.byteLength(text)),
      parseMs: ms(started, parsed),
      diffMs: ms(parsed, done),
      totalMs: ms(started, done),
      baselineRssMb,
      peakRssMb: peakRssMb(),
      items: comparison.diff.details.length,
      summary: comparison.summary.text.slice(0, 80),
    }) + '\n',
  );
}

void main();

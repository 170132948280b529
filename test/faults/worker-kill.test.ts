import { runCase } from './lib/case-runner';
import { workerKill } from './lib/cases';

// Real processes (API + workers), a private Redis and a database of the case's own; see docs/reliability.md.
describe('fault injection: worker-kill', () => {
  it(workerKill.title, async () => {
    const result = await runCase(workerKill);
    expect(result.failures).toEqual([]);
  }, 240_000);
});

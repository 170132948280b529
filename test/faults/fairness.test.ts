import { runCase } from './lib/case-runner';
import { fairness } from './lib/cases';

// Real processes (API + workers), a private Redis and a database of the case's own; see docs/reliability.md.
describe('fault injection: fairness', () => {
  it(fairness.title, async () => {
    const result = await runCase(fairness);
    expect(result.failures).toEqual([]);
  }, 240_000);
});

import { runCase } from './lib/case-runner';
import { chaosReceivers } from './lib/cases';

// Real processes (API + workers), a private Redis and a database of the case's own; see docs/reliability.md.
describe('fault injection: chaos-receivers', () => {
  it(chaosReceivers.title, async () => {
    const result = await runCase(chaosReceivers);
    expect(result.failures).toEqual([]);
  }, 240_000);
});

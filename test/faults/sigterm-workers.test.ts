import { runCase } from './lib/case-runner';
import { sigtermAll } from './lib/cases';

// Real processes (API + workers), a private Redis and a database of the case's own; see docs/reliability.md.
describe('fault injection: sigterm-workers', () => {
  it(sigtermAll.title, async () => {
    const result = await runCase(sigtermAll);
    expect(result.failures).toEqual([]);
  }, 240_000);
});

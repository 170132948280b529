import { runCase } from './lib/case-runner';
import { apiKill } from './lib/cases';

// Real processes (API + workers), a private Redis and a database of the case's own; see docs/reliability.md.
describe('fault injection: api-kill', () => {
  it(apiKill.title, async () => {
    const result = await runCase(apiKill);
    expect(result.failures).toEqual([]);
  }, 240_000);
});

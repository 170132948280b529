import { runCase } from './lib/case-runner';
import { postgresRestart } from './lib/cases';

// Real processes (API + workers), a private Redis and a database of the case's own; see docs/reliability.md.
describe('fault injection: postgres-restart', () => {
  it(postgresRestart.title, async () => {
    const result = await runCase(postgresRestart);
    expect(result.failures).toEqual([]);
  }, 240_000);
});

import { runCase } from './lib/case-runner';
import { redisFlush, redisRestart } from './lib/cases';

// Real processes (API + workers), a private Redis and a database of the case's own; see docs/reliability.md.
describe('fault injection: redis-loss', () => {
  it(redisFlush.title, async () => {
    const result = await runCase(redisFlush);
    expect(result.failures).toEqual([]);
  }, 240_000);
  it(redisRestart.title, async () => {
    const result = await runCase(redisRestart);
    expect(result.failures).toEqual([]);
  }, 240_000);
});

import { paymentsApi, withoutGetCharge } from '../../../../test/support/definitions';
import { DiffFailed, compareInThread } from './diff-runner';

/** The diff's thread: its answer, and its limits, which fail the diff and leave this process running. */
describe('compareInThread', () => {
  const before = JSON.stringify(paymentsApi());
  const after = JSON.stringify(withoutGetCharge(paymentsApi()));
  const options = { id: 'v', publicUrl: '/v1/versions/v' };

  it('answers with the comparison made in the thread', async () => {
    const comparison = await compareInThread(before, after, options);
    expect(comparison.summary.text).toBe('1 change, 1 breaking: removed GET /charges/{id}');
    expect(comparison.diff).toMatchObject({ id: 'v', breaking: true });
  }, 30_000);

  it('a diff over its time is stopped: DiffFailed', async () => {
    await expect(compareInThread(before, after, options, { timeoutMs: 5, maxHeapMb: 512 })).rejects.toThrow(new DiffFailed('the diff took longer than 5 ms'));
  }, 30_000);

  it('a diff out of memory takes only its thread down: DiffFailed', async () => {
    // 30,000 added operations (4 MB) take more than 32 MB of heap to diff. (V8 cannot stop a single
    // allocation larger than the whole limit, e.g. parsing a string bigger than it: the limit is sized
    // well above DEFINITION_MAX_BYTES for that reason.)
    const paths: Record<string, unknown> = {};
    for (let i = 0; i < 30_000; i++) paths[`/r${i}`] = { get: { parameters: [{ name: 'id', in: 'query', schema: { type: 'string' } }], responses: { 200: { description: 'ok' } } } };
    const huge = JSON.stringify({ ...paymentsApi(), paths });
    await expect(compareInThread(before, huge, options, { timeoutMs: 60_000, maxHeapMb: 32 })).rejects.toThrow(/memory|exited/);
    // Still here, and the next diff works.
    await expect(compareInThread(before, after, options)).resolves.toMatchObject({ structural: true });
  }, 90_000);

  it('a comparison that throws is reported, not crashed on', async () => {
    await expect(compareInThread('{not json', after, options)).rejects.toThrow(/could not be compared/);
  }, 30_000);
});

import type { AttemptRecord } from '@hookline/db';
import { AttemptWriter } from './attempt-writer';

const record = (n: number) => ({ id: `a${n}`, deliveryId: `d${n}` }) as unknown as AttemptRecord;

describe('AttemptWriter', () => {
  it('groups concurrent records into one write and resolves each once written', async () => {
    const writes: string[][] = [];
    const writer = new AttemptWriter({ write: async (rs) => void writes.push(rs.map((r) => r.id)), lingerMs: 5 });
    await Promise.all(Array.from({ length: 50 }, (_, n) => writer.record(record(n))));
    expect(writes).toHaveLength(1);
    expect(writes[0]).toHaveLength(50);
    expect(writer.written).toBe(50);
  });

  it('splits at maxBatch', async () => {
    const sizes: number[] = [];
    const writer = new AttemptWriter({ write: async (rs) => void sizes.push(rs.length), maxBatch: 20 });
    await Promise.all(Array.from({ length: 45 }, (_, n) => writer.record(record(n))));
    expect(sizes.reduce((a, b) => a + b)).toBe(45);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(20);
  });

  it('keeps records through failed writes and writes them when the database is back', async () => {
    let down = 3;
    const written: string[] = [];
    const errors: number[] = [];
    const writer = new AttemptWriter({
      write: async (rs) => {
        if (down-- > 0) throw new Error('connection refused');
        written.push(...rs.map((r) => r.id));
      },
      onWriteError: (_e, pending) => errors.push(pending),
      lingerMs: 1,
    });
    let resolved = false;
    const pending = writer.record(record(1)).then(() => (resolved = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(resolved).toBe(false);
    await pending;
    expect(written).toEqual(['a1']);
    expect(errors).toEqual([1, 1, 1]);
  });

  it('flush() writes everything queued before resolving', async () => {
    const written: string[] = [];
    const writer = new AttemptWriter({ write: async (rs) => void written.push(...rs.map((r) => r.id)), lingerMs: 10_000 });
    void writer.record(record(1));
    void writer.record(record(2));
    await writer.flush();
    expect(written).toEqual(['a1', 'a2']);
    expect(writer.pending).toBe(0);
  });

  it('rejects only the record the database refuses even in reduced form, and writes the rest', async () => {
    const written: string[] = [];
    const writer = new AttemptWriter({
      write: async (rs) => {
        if (rs.some((r) => r.id === 'a2')) throw Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' });
        written.push(...rs.map((r) => r.id));
      },
    });
    const outcomes = await Promise.allSettled([1, 2, 3].map((n) => writer.record(record(n))));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(written.sort()).toEqual(['a1', 'a3']);
  });

  it('writes a refused record again in reduced form, without headers or body', async () => {
    const written: Array<{ id: string; reduced?: boolean; body: string | null }> = [];
    const writer = new AttemptWriter({
      write: async (rs) => {
        if (rs.some((r) => r.responseBody?.includes('\u0000'))) throw Object.assign(new Error('invalid byte sequence'), { code: '22021' });
        written.push(...rs.map((r) => ({ id: r.id, reduced: r.reduced, body: r.responseBody })));
      },
      lingerMs: 1,
    });
    await writer.record({ ...record(1), responseBody: 'a\u0000b', responseHeaders: { x: 'y' } } as AttemptRecord);
    expect(written).toEqual([{ id: 'a1', reduced: true, body: null }]);
  });
});

import { RepeatedErrorLog } from './repeated-error-log';

describe('RepeatedErrorLog', () => {
  it('logs the first error at once, then once per interval with how many came meanwhile', () => {
    jest.useFakeTimers();
    try {
      let now = 0;
      const lines: Array<{ message: string; count: number }> = [];
      const log = new RepeatedErrorLog((message, fields) => lines.push({ message, count: fields.count }), 'redis error', 10_000, () => now);
      for (let i = 0; i < 6_000; i++) log.record(new Error('MOVED 15224 127.0.0.1:7003'));
      expect(lines).toEqual([{ message: 'redis error', count: 1 }]);
      now = 10_000;
      jest.advanceTimersByTime(10_000);
      expect(lines).toEqual([
        { message: 'redis error', count: 1 },
        { message: 'redis error (repeated)', count: 5_999 },
      ]);
    } finally {
      jest.useRealTimers();
    }
  });
});

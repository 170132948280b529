import { baseFailures, settleTimeoutFailure } from './case-runner';
import { healthyWaitFailures } from './cases';
import { overlapStands, type Tally } from './ledger';

const clean: Tally = {
  sent: 10, delivered: 10, duplicates: 0, exhausted: 0, lost: 0, overlaps: 0, wrongIds: 0, badSignatures: 0, succeededWithoutAck: 0,
  shortSchedules: 0, unrecordedRequests: 0, deliveredUnpromised: 0, requests: 10, replayed: 0, settledAfterFaultMs: 100, lostIds: [], duplicateDetails: [],
};
const producer = { gaveUp: [], unexpected: [] };

describe('fault-case verdicts', () => {
  it('fail a case whose deliveries never settled, even with a clean tally', () => {
    expect(baseFailures({ settled: true, settleTimeoutMs: 90_000, tally: clean, producer })).toEqual([]);
    expect(baseFailures({ settled: false, settleTimeoutMs: 90_000, tally: clean, producer })).toEqual([settleTimeoutFailure(90_000)]);
  });

  it('fail fairness when nothing, or not everything, was measured at the healthy endpoint (a NaN p99)', () => {
    expect(healthyWaitFailures([], 150, 6_000)).toEqual(['no delivery to the healthy endpoint was measured']);
    expect(healthyWaitFailures([NaN], 1, 6_000)).toEqual([expect.stringContaining('NaN ms (p99)')]);
    expect(healthyWaitFailures([10, 20], 3, 6_000)).toEqual(['only 2 of 3 deliveries to the healthy endpoint were measured']);
  });

  it('pass fairness within the limit and fail it beyond', () => {
    expect(healthyWaitFailures([10, 20, 30], 3, 6_000)).toEqual([]);
    expect(healthyWaitFailures([10, 20, 7_000], 3, 6_000)).toEqual(['the healthy endpoint waited 7000 ms (p99) behind the hanging one']);
  });
});

describe('an overlap a receiver saw', () => {
  it('stands when the sender ran two attempts at once, or a request has no attempt of its own', () => {
    expect(overlapStands([{ at: 1_000, durationMs: 1_000 }, { at: 1_500, durationMs: 200 }], 2)).toBe(true);
    expect(overlapStands([{ at: 1_000, durationMs: 200 }], 2)).toBe(true);
  });

  it('does not when the sender ran them one after the other (the receiver handled the first late)', () => {
    // As recorded in a run: a timeout of 1,045 ms from 6.295 s, then a 200 from 7.767 s; the receiver saw both at ~7.9 s.
    expect(overlapStands([{ at: 7_767, durationMs: 232 }, { at: 6_295, durationMs: 1_045 }], 2)).toBe(false);
  });
});

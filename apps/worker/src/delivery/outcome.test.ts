import { classifyOutcome, parseRetryAfter } from './outcome';
import { RetrySchedule } from './retry-schedule';

const result = (statusCode: number | null, headers: Record<string, string> = {}, errorKind: string | null = null) => ({ statusCode, headers, errorKind });

describe('classifyOutcome', () => {
  it.each([200, 201, 204, 299])('%i succeeds', (status) => expect(classifyOutcome(result(status))).toEqual({ kind: 'succeeded' }));
  it.each([301, 302, 307, 400, 401, 404, 500, 502])('%i is retried', (status) => expect(classifyOutcome(result(status)).kind).toBe('retry'));

  it('ends the delivery and disables the webhook on 410', () => {
    const outcome = classifyOutcome(result(410));
    expect(outcome).toMatchObject({ kind: 'final' });
    expect(outcome.kind === 'final' && outcome.disableWebhook).toMatch(/410 Gone/);
  });

  it('reads Retry-After on 429 and 503 only', () => {
    expect(classifyOutcome(result(429, { 'retry-after': '7' }))).toEqual({ kind: 'retry', retryAfterMs: 7000 });
    expect(classifyOutcome(result(503, { 'retry-after': '2' }))).toEqual({ kind: 'retry', retryAfterMs: 2000 });
    expect(classifyOutcome(result(500, { 'retry-after': '7' }))).toEqual({ kind: 'retry' });
  });

  it('retries network errors but not a refused address', () => {
    expect(classifyOutcome(result(null, {}, 'timeout')).kind).toBe('retry');
    expect(classifyOutcome(result(null, {}, 'connection_reset')).kind).toBe('retry');
    expect(classifyOutcome(result(null, {}, 'address_refused')).kind).toBe('final');
  });
});

describe('parseRetryAfter', () => {
  it('accepts seconds and HTTP dates, ignores garbage', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe('RetrySchedule', () => {
  it('has one more attempt than steps and ends after the last', () => {
    const schedule = new RetrySchedule([5, 300], 0.2, () => 0.5);
    expect(schedule.maxAttempts).toBe(3);
    expect(schedule.delayAfter(1)).toBe(5_000);
    expect(schedule.delayAfter(2)).toBe(300_000);
    expect(schedule.delayAfter(3)).toBeNull();
  });

  it('jitters by at most ±20 %', () => {
    expect(new RetrySchedule([10], 0.2, () => 0).delayAfter(1)).toBe(8_000);
    expect(new RetrySchedule([10], 0.2, () => 0.999999).delayAfter(1)).toBe(12_000);
    const delays = Array.from({ length: 200 }, () => new RetrySchedule([10]).delayAfter(1)!);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(8_000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(12_000);
    expect(new Set(delays).size).toBeGreaterThan(1);
  });

  it('lets Retry-After lengthen a wait, capped at the longest step, never shorten it', () => {
    const schedule = new RetrySchedule([5, 60, 30], 0.2, () => 0.5);
    expect(schedule.delayAfter(1, 20_000)).toBe(20_000);
    expect(schedule.delayAfter(1, 3_600_000)).toBe(60_000);
    // 0, a past date (parsed as 0) and a shorter wait keep the scheduled step.
    expect(schedule.delayAfter(1, 0)).toBe(5_000);
    expect(schedule.delayAfter(1, 2_000)).toBe(5_000);
    expect(schedule.delayAfter(2, 0)).toBe(60_000);
    // A step shorter than the longest is lengthened up to the cap, no further.
    expect(schedule.delayAfter(3, 3_600_000)).toBe(60_000);
    expect(schedule.delayAfter(4, 2_000)).toBeNull();
  });
});

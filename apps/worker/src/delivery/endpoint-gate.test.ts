import { EndpointGate } from './endpoint-gate';

describe('EndpointGate', () => {
  let clock = 0;
  const gate = (overrides = {}) => new EndpointGate({ maxInFlight: 2, failureThreshold: 3, openMs: 1_000, maxOpenMs: 4_000, now: () => clock, ...overrides });
  beforeEach(() => (clock = 0));

  it('lets an endpoint that answers fast take most slots, never all', () => {
    const g = gate({ maxInFlightAny: 30 });
    const admitted = Array.from({ length: 31 }, () => g.admit('https://fast.test'));
    expect(admitted.slice(0, 30).every((d) => d.admitted)).toBe(true);
    expect(admitted[30]).toMatchObject({ admitted: false, reason: 'busy' });
    expect(g.admit('https://other.test').admitted).toBe(true);
  });

  it('caps an endpoint whose attempts hang past slowMs, and only that endpoint', () => {
    const g = gate({ slowMs: 1_000 });
    const first = [g.admit('https://a.test'), g.admit('https://a.test'), g.admit('https://a.test')];
    expect(first.every((d) => d.admitted)).toBe(true);
    clock = 1_500;
    // Three attempts hanging for 1.5 s: over the cap of 2.
    expect(g.admit('https://a.test')).toMatchObject({ admitted: false, reason: 'busy' });
    expect(g.admit('https://b.test').admitted).toBe(true);
    for (const d of first) if (d.admitted) d.release(true);
    // Answers that slow leave it capped even when nothing hangs right now.
    const next = [g.admit('https://a.test'), g.admit('https://a.test')];
    expect(next.every((d) => d.admitted)).toBe(true);
    expect(g.admit('https://a.test')).toMatchObject({ admitted: false, reason: 'busy' });
  });

  it('lets an endpoint off the cap once its answers are fast again', () => {
    const g = gate({ slowMs: 100 });
    const slow = g.admit('https://a.test');
    clock += 5_000;
    if (slow.admitted) slow.release(true);
    const fill = [g.admit('https://a.test'), g.admit('https://a.test')];
    expect(g.admit('https://a.test').admitted).toBe(false);
    for (let i = 0; i < 30; i++) {
      for (const d of fill.splice(0)) if (d.admitted) d.release(true);
      const quick = g.admit('https://a.test');
      clock += 1;
      if (quick.admitted) quick.release(true);
    }
    const burst = Array.from({ length: 10 }, () => g.admit('https://a.test'));
    expect(burst.every((d) => d.admitted)).toBe(true);
  });

  it('opens after consecutive failures, lets one probe through after the open period, and closes on its success', () => {
    const g = gate();
    for (let i = 0; i < 3; i++) {
      const d = g.admit('https://down.test');
      if (!d.admitted) throw new Error('expected admission');
      d.release(false);
    }
    expect(g.isOpen('https://down.test')).toBe(true);
    expect(g.admit('https://down.test')).toMatchObject({ admitted: false, reason: 'circuit_open', retryInMs: 1_000 });
    clock = 1_000;
    const probe = g.admit('https://down.test');
    expect(probe.admitted).toBe(true);
    expect(g.admit('https://down.test')).toMatchObject({ admitted: false, reason: 'circuit_open' });
    if (probe.admitted) probe.release(true);
    expect(g.isOpen('https://down.test')).toBe(false);
    expect(g.admit('https://down.test').admitted).toBe(true);
  });

  it('doubles the open period after a failed probe, up to the maximum', () => {
    const g = gate();
    const fail = () => {
      const d = g.admit('https://down.test');
      if (!d.admitted) throw new Error('expected admission');
      d.release(false);
    };
    fail();
    fail();
    fail();
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      const blocked = g.admit('https://down.test');
      if (blocked.admitted) throw new Error('expected the circuit open');
      waits.push(blocked.retryInMs);
      clock += blocked.retryInMs;
      fail();
    }
    expect(waits).toEqual([1_000, 2_000, 4_000, 4_000]);
  });

  it('counts a release once', () => {
    const g = gate({ maxInFlight: 1, slowMs: 10 });
    const d = g.admit('https://a.test');
    if (!d.admitted) throw new Error('expected admission');
    clock += 100;
    d.release(true);
    d.release(true);
    expect(g.admit('https://a.test').admitted).toBe(true);
    expect(g.admit('https://a.test').admitted).toBe(false);
  });
});

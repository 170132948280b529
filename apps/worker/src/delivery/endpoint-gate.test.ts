import { EndpointGate } from './endpoint-gate';

describe('EndpointGate', () => {
  let clock = 0;
  const gate = (overrides = {}) => new EndpointGate({ maxInFlight: 2, failureThreshold: 3, openMs: 1_000, maxOpenMs: 4_000, now: () => clock, ...overrides });
  beforeEach(() => (clock = 0));

  it('caps attempts in flight per endpoint, not across endpoints', () => {
    const g = gate();
    const a1 = g.admit('https://a.test');
    const a2 = g.admit('https://a.test');
    expect(a1.admitted && a2.admitted).toBe(true);
    expect(g.admit('https://a.test')).toMatchObject({ admitted: false, reason: 'busy' });
    expect(g.admit('https://b.test').admitted).toBe(true);
    if (a1.admitted) a1.release(true);
    expect(g.admit('https://a.test').admitted).toBe(true);
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
    const g = gate({ maxInFlight: 1 });
    const d = g.admit('https://a.test');
    if (!d.admitted) throw new Error('expected admission');
    d.release(true);
    d.release(true);
    expect(g.admit('https://a.test').admitted).toBe(true);
    expect(g.admit('https://a.test').admitted).toBe(false);
  });
});

import { FairShare } from './fair-share';

describe('FairShare', () => {
  let clock = 0;
  const share = () => new FairShare({ slots: 10, share: 0.5, activeWindowMs: 1_000, now: () => clock });
  beforeEach(() => (clock = 0));

  it('lets one organization take every slot while nobody else asks', () => {
    const gate = share();
    const taken = Array.from({ length: 10 }, () => gate.admit('org-b'));
    expect(taken.every((d) => d.admitted)).toBe(true);
  });

  it('holds an organization to its share while another one competes, and gives the rest to the other', () => {
    const gate = share();
    expect(gate.admit('org-a').admitted).toBe(true);
    const b = Array.from({ length: 6 }, () => gate.admit('org-b'));
    expect(b.slice(0, 5).every((d) => d.admitted)).toBe(true);
    expect(b[5]).toMatchObject({ admitted: false, reason: 'fair_share' });
    expect(Array.from({ length: 4 }, () => gate.admit('org-a')).every((d) => d.admitted)).toBe(true);
    // A slot of B freed: B may take it again, up to its share.
    const first = b[0]!;
    if (first.admitted) first.release();
    expect(gate.admit('org-b').admitted).toBe(true);
    expect(gate.admit('org-b').admitted).toBe(false);
  });

  it('stops counting an organization as competing once it has been quiet for the window', () => {
    const gate = share();
    const a = gate.admit('org-a');
    if (a.admitted) a.release();
    Array.from({ length: 5 }, () => gate.admit('org-b'));
    expect(gate.admit('org-b').admitted).toBe(false);
    clock = 1_500;
    expect(gate.admit('org-b').admitted).toBe(true);
  });

  it('defers for about as long as the organization\'s own attempts hold a slot', () => {
    const gate = share();
    gate.admit('org-a');
    const b = Array.from({ length: 5 }, () => gate.admit('org-b'));
    clock = 3_000;
    for (const d of b) if (d.admitted) d.release();
    gate.admit('org-a');
    Array.from({ length: 5 }, () => gate.admit('org-b'));
    const refused = gate.admit('org-b');
    expect(refused.admitted).toBe(false);
    expect(!refused.admitted && refused.retryInMs).toBeGreaterThan(1_000);
    expect(!refused.admitted && refused.retryInMs).toBeLessThanOrEqual(5_000);
  });
});

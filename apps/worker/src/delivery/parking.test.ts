import { DeliverySlots, Parking, WAKE_GRID_MS, wakeDelay } from './parking';

function lender() {
  const state = { lent: 0, maxLent: 0 };
  const lend = () => {
    state.lent += 1;
    state.maxLent = Math.max(state.maxLent, state.lent);
    let back = false;
    return () => {
      if (!back) state.lent -= 1;
      back = true;
    };
  };
  return { state, lend };
}

describe('wakeDelay', () => {
  it('never wakes before the turn, and at most one grid step after it', () => {
    for (const ms of [1, 7, 40, 399, 400, 1_000, 23_456]) {
      for (const now of [0, 13, 1_796_000_000_037]) {
        const delay = wakeDelay(now, ms);
        expect(delay).toBeGreaterThanOrEqual(ms);
        expect(delay - ms).toBeLessThanOrEqual(Math.min(WAKE_GRID_MS, ms / 4));
      }
    }
  });

  it('wakes the jobs of one backlog together: turns within one grid step share a wake-up', () => {
    const now = 1_796_000_000_037;
    const wakes = new Set(Array.from({ length: 40 }, (_, i) => now + wakeDelay(now, 5_000 + i * 23)));
    // 40 turns 23 ms apart span 897 ms: 9 or 10 points of a 100 ms grid, not 40 wake-ups.
    expect(wakes.size).toBeLessThanOrEqual(10);
  });

  it('keeps a short wait short', () => {
    expect(wakeDelay(1_005, 6)).toBe(6);
  });
});

describe('Parking', () => {
  it('lends the slot for the wait and takes it back after', async () => {
    const parking = new Parking({ capacity: 4, maxWaitMs: 1_000 });
    const { state, lend } = lender();
    const waited = parking.wait('org-a', 30, lend);
    expect(state.lent).toBe(1);
    expect(parking.size).toBe(1);
    await expect(waited).resolves.toBe(true);
    expect(state.lent).toBe(0);
    expect(parking.size).toBe(0);
  });

  it('refuses a wait longer than maxWaitMs, and any wait once full', async () => {
    const parking = new Parking({ capacity: 2, maxWaitMs: 1_000 });
    const { state, lend } = lender();
    await expect(parking.wait('org-a', 1_001, lend)).resolves.toBe(false);
    const both = [parking.wait('org-a', 50, lend), parking.wait('org-b', 50, lend)];
    await expect(parking.wait('org-c', 50, lend)).resolves.toBe(false);
    expect(state.maxLent).toBe(2);
    await expect(Promise.all(both)).resolves.toEqual([true, true]);
  });

  it('holds one organization to its share while another waits too', async () => {
    const parking = new Parking({ capacity: 4, share: 0.5, maxWaitMs: 1_000 });
    const { lend } = lender();
    const b = parking.wait('org-b', 50, lend);
    const a = [parking.wait('org-a', 50, lend), parking.wait('org-a', 50, lend)];
    await expect(parking.wait('org-a', 50, lend)).resolves.toBe(false);
    await expect(Promise.all([b, ...a])).resolves.toEqual([true, true, true]);
  });

  it('sends every waiting job back at close, and takes no more', async () => {
    const parking = new Parking({ capacity: 4, maxWaitMs: 60_000 });
    const { state, lend } = lender();
    const waits = [parking.wait('org-a', 50_000, lend), parking.wait('org-b', 50_000, lend)];
    const started = Date.now();
    parking.close();
    await expect(Promise.all(waits)).resolves.toEqual([false, false]);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(state.lent).toBe(0);
    await expect(parking.wait('org-a', 10, lend)).resolves.toBe(false);
  });
});

describe('DeliverySlots', () => {
  it('hands a freed slot to the first waiter, in order, never more than the slots at once', async () => {
    const slots = new DeliverySlots(2);
    const first = await slots.acquire();
    const second = await slots.acquire();
    const order: number[] = [];
    const third = slots.acquire().then((release) => (order.push(3), release));
    const fourth = slots.acquire().then((release) => (order.push(4), release));
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual([]);
    first();
    first();
    const releaseThird = await third;
    expect(order).toEqual([3]);
    expect(slots.inUse).toBe(2);
    second();
    await fourth;
    expect(order).toEqual([3, 4]);
    releaseThird();
    expect(slots.inUse).toBe(1);
  });
});

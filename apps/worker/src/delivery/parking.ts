import type { LendSlot } from '@hookline/queue';
import { FairShare } from './fair-share';

/** The coarsest grid a waiting job's wake-up is rounded up to. */
export const WAKE_GRID_MS = 100;

/**
 * How long a job told to wait `ms` sleeps: until the next point of a grid of
 * up to WAKE_GRID_MS (a quarter of the wait at most, so a short wait stays
 * short). The jobs of a slow webhook's backlog then wake together, and their
 * admissions reach Redis as one pipeline instead of one round trip each:
 * sparse single commands cost Redis several times what the same commands cost
 * in a batch. A job never wakes before its turn, at most one grid step after.
 */
export function wakeDelay(now: number, ms: number): number {
  const grid = Math.min(WAKE_GRID_MS, Math.floor(ms / 4));
  if (grid < 2) return ms;
  return Math.ceil((now + ms) / grid) * grid - now;
}

export interface ParkingOptions {
  /** Jobs one process holds waiting for their turn, at most. */
  capacity: number;
  /** Share of them one organization may hold while others wait too (default 1/2). */
  share?: number;
  /** Longer waits go back to the queue as delayed. */
  maxWaitMs: number;
}

/**
 * Where a job waits when a limit says "not yet" (its webhook at its in-flight
 * cap or rate limit, its tenant over its share, its circuit about to let a
 * probe through): in the worker process, holding no delivery slot, its
 * turn booked in Redis (a tenant-share wait is local). Sending it back to
 * the queue as delayed instead costs Redis a move, a promotion and a fetch
 * again, for every job of a slow webhook's backlog; waiting here costs
 * nothing until the turn comes.
 *
 * The job stays active in BullMQ (locked, its lock renewed, stall-checked, so
 * a killed worker's waiting jobs come back like its running ones), and lends
 * its fetch slot meanwhile: the worker fetches other work, so jobs waiting
 * here never keep another tenant's jobs in the queue.
 *
 * Bounded: at most `capacity` jobs, one organization at most `share` of them
 * while others wait too, no wait longer than `maxWaitMs`. Past a bound, and
 * once the worker closes, a job goes back to the queue as delayed until its turn.
 */
export class Parking {
  private readonly tenants: FairShare;
  private readonly wakers = new Set<() => void>();
  private closed = false;

  constructor(private readonly options: ParkingOptions) {
    this.tenants = new FairShare({ slots: options.capacity, share: options.share ?? 0.5 });
  }

  /** Jobs waiting now. */
  get size(): number {
    return this.wakers.size;
  }

  /** Waits `ms` holding no slot. True once waited; false when the job should go back to the queue instead (no room, too long, closing). */
  async wait(organizationId: string, ms: number, lendSlot: LendSlot): Promise<boolean> {
    if (this.closed || ms > this.options.maxWaitMs || this.wakers.size >= this.options.capacity) return false;
    const share = this.tenants.admit(organizationId);
    if (!share.admitted) return false;
    const giveBack = lendSlot();
    try {
      return await new Promise<boolean>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.wakers.delete(wake);
          resolve(false);
        };
        const timer = setTimeout(() => {
          this.wakers.delete(wake);
          resolve(true);
        }, wakeDelay(Date.now(), ms));
        this.wakers.add(wake);
      });
    } finally {
      giveBack();
      share.release();
    }
  }

  /** The worker is closing: every waiting job goes back to the queue now, and none waits from here on. */
  close(): void {
    this.closed = true;
    for (const wake of [...this.wakers]) wake();
  }
}

/**
 * The worker's delivery slots (WORKER_CONCURRENCY). A fresh job always finds
 * one (BullMQ fetches no more than that, waiting jobs aside); a job back from
 * waiting may find them all taken by jobs fetched on its lent slot, and takes
 * the next one to free, in order.
 */
export class DeliverySlots {
  private used = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(private readonly slots: number) {}

  get inUse(): number {
    return this.used;
  }

  async acquire(): Promise<() => void> {
    if (this.used < this.slots) this.used += 1;
    // A freed slot is handed straight to the first waiter, so `used` does not change.
    else await new Promise<void>((resolve) => this.waiters.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next();
      else this.used -= 1;
    };
  }
}

export interface FairShareOptions {
  /** The worker's slots (WORKER_CONCURRENCY). */
  slots: number;
  /** Share of the slots one key (an organization, a webhook) may hold while others compete. */
  share: number;
  /** An organization that asked for a slot this recently competes for them. */
  activeWindowMs?: number;
  now?: () => number;
}

interface KeyState {
  inFlight: number;
  lastSeen: number;
  /** Moving average of how long this organization's attempts hold a slot. */
  holdMs: number;
}

export type ShareDecision = { admitted: true; release: () => void } | { admitted: false; retryInMs: number; reason: 'fair_share' };

/**
 * Fair share of one worker's slots between keys (organizations; within one,
 * webhooks): a gate, local to the process. While another key has asked for a
 * slot within the active window, one key holds at most `share` of the slots;
 * alone, it may hold them all. Over its share its job goes back as delayed
 * (no attempt spent) for about as long as its own attempts hold a slot, and
 * the freed slot picks the next job from the queue, which is how a waiting
 * key's job reaches a slot.
 *
 * Why a gate and not per-organization queues: the queue stays one ordered
 * list (one BullMQ queue, its throughput and its sharding untouched), the
 * gate costs a Map lookup, and "a worker's slots" is a per-process resource,
 * so a per-process gate bounds exactly that. Weighted picking would need
 * BullMQ to pick by state, which it cannot without one queue per state.
 */
export class FairShare {
  private readonly keys = new Map<string, KeyState>();
  private readonly now: () => number;
  private readonly cap: number;
  private readonly windowMs: number;
  private sweptAt = 0;

  constructor(options: FairShareOptions) {
    this.now = options.now ?? Date.now;
    this.cap = Math.max(1, Math.floor(options.slots * options.share));
    this.windowMs = options.activeWindowMs ?? 10_000;
  }

  admit(key: string): ShareDecision {
    const now = this.now();
    if (now - this.sweptAt > this.windowMs) this.sweep(now);
    const state = this.state(key, now);
    state.lastSeen = now;
    if (state.inFlight >= this.cap && this.othersCompete(key, now)) {
      return { admitted: false, retryInMs: Math.min(Math.max(state.holdMs, 100), 5_000), reason: 'fair_share' };
    }
    state.inFlight += 1;
    const startedAt = now;
    let released = false;
    return {
      admitted: true,
      release: () => {
        if (released) return;
        released = true;
        const at = this.now();
        state.inFlight -= 1;
        // An attempt ending is activity too: the key stays known (and competing) for the window.
        state.lastSeen = at;
        state.holdMs = state.holdMs * 0.8 + (at - startedAt) * 0.2;
      },
    };
  }

  inFlight(key: string): number {
    return this.keys.get(key)?.inFlight ?? 0;
  }

  private othersCompete(key: string, now: number): boolean {
    for (const [id, state] of this.keys) {
      if (id !== key && (state.inFlight > 0 || now - state.lastSeen <= this.windowMs)) return true;
    }
    return false;
  }

  /** Forget keys gone quiet, so the map stays as small as the active set. */
  private sweep(now: number): void {
    this.sweptAt = now;
    for (const [id, state] of this.keys) if (state.inFlight === 0 && now - state.lastSeen > this.windowMs) this.keys.delete(id);
  }

  private state(key: string, now: number): KeyState {
    let state = this.keys.get(key);
    if (!state) {
      state = { inFlight: 0, lastSeen: now, holdMs: 250 };
      this.keys.set(key, state);
    }
    return state;
  }
}

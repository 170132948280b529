export interface EndpointGateOptions {
  /** Attempts in flight to one slow endpoint (origin) from this process. */
  maxInFlight: number;
  /** Attempts in flight to any one endpoint, however fast: what is left is always there for the others. */
  maxInFlightAny?: number;
  /** An attempt running longer than this, or an endpoint answering slower than this on average, is slow. */
  slowMs?: number;
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** First open period; doubles on each failed probe, up to maxOpenMs. */
  openMs: number;
  maxOpenMs: number;
  now?: () => number;
}

interface EndpointState {
  inFlight: number;
  /** Start times of the attempts in flight. */
  started: Set<{ at: number }>;
  /** Moving average of answer times; null until the first answer. */
  latencyMs: number | null;
  consecutiveFailures: number;
  openUntil: number;
  openMs: number;
  probing: boolean;
}

export type GateDecision = { admitted: true; release: (succeeded: boolean) => void } | { admitted: false; retryInMs: number; reason: 'busy' | 'circuit_open' };

/**
 * Keeps one slow or failing endpoint from taking every slot of a worker.
 * A fast endpoint may take most slots (`maxInFlightAny`): its slots free up
 * within milliseconds. A slow one (attempts hanging past `slowMs`, or answering slower than that on
 * average) gets at most `maxInFlight` slots. Over that cap, or while the
 * endpoint's circuit is open, an attempt is not made: the caller puts the job
 * back as delayed (which costs no attempt), and the slot goes to other
 * endpoints. After the open period one probe is let through (half-open); its
 * success closes the circuit.
 */
export class EndpointGate {
  private readonly endpoints = new Map<string, EndpointState>();
  private readonly now: () => number;

  constructor(private readonly options: EndpointGateOptions) {
    this.now = options.now ?? Date.now;
  }

  static endpointOf(url: string): string {
    try {
      return new URL(url).origin;
    } catch {
      return url;
    }
  }

  admit(endpoint: string): GateDecision {
    const state = this.state(endpoint);
    const now = this.now();
    const open = state.consecutiveFailures >= this.options.failureThreshold;
    if (open) {
      if (now < state.openUntil) return { admitted: false, retryInMs: state.openUntil - now, reason: 'circuit_open' };
      if (state.probing) return { admitted: false, retryInMs: Math.min(state.openMs, 5_000), reason: 'circuit_open' };
      state.probing = true;
    } else if (state.inFlight >= (this.options.maxInFlightAny ?? Infinity) || (state.inFlight >= this.options.maxInFlight && this.isSlow(state, now))) {
      return { admitted: false, retryInMs: 250, reason: 'busy' };
    }
    state.inFlight += 1;
    const ticket = { at: now };
    state.started.add(ticket);
    const probe = open;
    let released = false;
    return {
      admitted: true,
      release: (succeeded) => {
        if (released) return;
        released = true;
        state.started.delete(ticket);
        const took = this.now() - ticket.at;
        state.latencyMs = state.latencyMs === null ? took : state.latencyMs * 0.8 + took * 0.2;
        this.release(endpoint, state, succeeded, probe);
      },
    };
  }

  private isSlow(state: EndpointState, now: number): boolean {
    const slowMs = this.options.slowMs ?? 1_000;
    if (state.latencyMs !== null && state.latencyMs > slowMs) return true;
    let hanging = 0;
    for (const ticket of state.started) if (now - ticket.at > slowMs) hanging += 1;
    return hanging >= this.options.maxInFlight;
  }

  isOpen(endpoint: string): boolean {
    const state = this.endpoints.get(endpoint);
    return state !== undefined && state.consecutiveFailures >= this.options.failureThreshold;
  }

  private release(endpoint: string, state: EndpointState, succeeded: boolean, probe: boolean): void {
    state.inFlight -= 1;
    if (probe) state.probing = false;
    if (succeeded) {
      state.consecutiveFailures = 0;
      state.openMs = this.options.openMs;
    } else {
      state.consecutiveFailures += 1;
      if (state.consecutiveFailures >= this.options.failureThreshold) {
        if (probe) state.openMs = Math.min(state.openMs * 2, this.options.maxOpenMs);
        state.openUntil = this.now() + state.openMs;
      }
    }
    const slowMs = this.options.slowMs ?? 1_000;
    // Forget quiet, healthy endpoints; a slow one is remembered so its cap applies at once next time.
    if (state.inFlight === 0 && state.consecutiveFailures === 0 && (state.latencyMs ?? 0) <= slowMs) this.endpoints.delete(endpoint);
  }

  private state(endpoint: string): EndpointState {
    let state = this.endpoints.get(endpoint);
    if (!state) {
      state = { inFlight: 0, started: new Set(), latencyMs: null, consecutiveFailures: 0, openUntil: 0, openMs: this.options.openMs, probing: false };
      this.endpoints.set(endpoint, state);
    }
    return state;
  }
}

export interface EndpointGateOptions {
  /** Attempts in flight to one endpoint (origin) from this process. */
  maxInFlight: number;
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** First open period; doubles on each failed probe, up to maxOpenMs. */
  openMs: number;
  maxOpenMs: number;
  now?: () => number;
}

interface EndpointState {
  inFlight: number;
  consecutiveFailures: number;
  openUntil: number;
  openMs: number;
  probing: boolean;
}

export type GateDecision = { admitted: true; release: (succeeded: boolean) => void } | { admitted: false; retryInMs: number; reason: 'busy' | 'circuit_open' };

/**
 * Keeps one slow or failing endpoint from taking every slot of a worker.
 * Over the in-flight cap, or while the endpoint's circuit is open, an attempt
 * is not made: the caller puts the job back as delayed (which costs no
 * attempt), and the slot goes to other endpoints. After the open period one
 * probe is let through (half-open); its success closes the circuit.
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
    } else if (state.inFlight >= this.options.maxInFlight) {
      return { admitted: false, retryInMs: 250, reason: 'busy' };
    }
    state.inFlight += 1;
    const probe = open;
    let released = false;
    return {
      admitted: true,
      release: (succeeded) => {
        if (released) return;
        released = true;
        this.release(endpoint, state, succeeded, probe);
      },
    };
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
    if (state.inFlight === 0 && state.consecutiveFailures === 0) this.endpoints.delete(endpoint);
  }

  private state(endpoint: string): EndpointState {
    let state = this.endpoints.get(endpoint);
    if (!state) {
      state = { inFlight: 0, consecutiveFailures: 0, openUntil: 0, openMs: this.options.openMs, probing: false };
      this.endpoints.set(endpoint, state);
    }
    return state;
  }
}

/**
 * Fault injection, settable from tests (`sim.faults`) and from other processes (`POST /_sim/faults`).
 * Faults without an `operation` apply to SP-API operations only; LWA is reached through `lwaOutage`
 * or by naming the operation `lwaToken` (document transfers: `uploadFeedDocument`, `downloadDocument`).
 */
import type { RateLimit } from './rate-limits.js';

export const LWA_OPERATION = 'lwaToken';

export interface SimulatorFaults {
  /** Added to every SP-API answer. */
  latencyMs: number;
  /** LWA answers 503 `temporarily_unavailable`. */
  lwaOutage: boolean;
  /** The next `n` calls (optionally of one operation) answer 5xx with Amazon's error body. */
  failNext(n: number, options?: { status?: 500 | 503; operation?: string }): void;
  /** The next `n` calls (optionally of one operation) get their socket destroyed without an answer. */
  resetNext(n: number, options?: { operation?: string }): void;
  /** Override one operation's limit for all sellers (also lowers the `x-amzn-RateLimit-Limit` it reports). */
  throttle(operation: string, limit: RateLimit): void;
  /** Calls (of one operation, or every SP-API call) never get an answer until the simulator closes. */
  stall(operation?: string): void;
  /** Clears every fault. */
  reset(): void;
}

interface Counted {
  remaining: number;
  operation?: string;
  status?: 500 | 503;
}

export interface FaultSettings {
  latencyMs?: number;
  lwaOutage?: boolean;
  failNext?: { n: number; status?: 500 | 503; operation?: string };
  resetNext?: { n: number; operation?: string };
  throttle?: { operation: string; rate: number; burst: number } | { operation: string; rate: number; burst: number }[];
  stall?: string | boolean | null;
  reset?: boolean;
}

export class Faults implements SimulatorFaults {
  latencyMs = 0;
  lwaOutage = false;
  private fails: Counted[] = [];
  private resets: Counted[] = [];
  private stalls = new Set<string>();
  readonly throttles = new Map<string, RateLimit>();

  failNext(n: number, options: { status?: 500 | 503; operation?: string } = {}): void {
    if (n > 0) this.fails.push({ remaining: n, operation: options.operation, status: options.status ?? 500 });
  }

  resetNext(n: number, options: { operation?: string } = {}): void {
    if (n > 0) this.resets.push({ remaining: n, operation: options.operation });
  }

  throttle(operation: string, limit: RateLimit): void {
    this.throttles.set(operation, { rate: limit.rate, burst: limit.burst });
  }

  stall(operation?: string): void {
    this.stalls.add(operation ?? '*');
  }

  reset(): void {
    this.latencyMs = 0;
    this.lwaOutage = false;
    this.fails = [];
    this.resets = [];
    this.stalls.clear();
    this.throttles.clear();
  }

  /** Apply settings received on the control API. */
  apply(s: FaultSettings): void {
    if (s.reset) this.reset();
    if (typeof s.latencyMs === 'number') this.latencyMs = Math.max(0, s.latencyMs);
    if (typeof s.lwaOutage === 'boolean') this.lwaOutage = s.lwaOutage;
    if (s.failNext) this.failNext(s.failNext.n, s.failNext);
    if (s.resetNext) this.resetNext(s.resetNext.n, s.resetNext);
    for (const t of s.throttle === undefined ? [] : Array.isArray(s.throttle) ? s.throttle : [s.throttle]) {
      this.throttle(t.operation, t);
    }
    if (s.stall === true) this.stall();
    else if (typeof s.stall === 'string') this.stall(s.stall);
    else if (s.stall === false || s.stall === null) this.stalls.clear();
  }

  private static matches(entry: { operation?: string }, operation: string, spApi: boolean): boolean {
    return entry.operation === undefined ? spApi : entry.operation === operation;
  }

  private consume(list: Counted[], operation: string, spApi: boolean): Counted | undefined {
    const i = list.findIndex((e) => Faults.matches(e, operation, spApi));
    if (i < 0) return undefined;
    const e = list[i] as Counted;
    e.remaining -= 1;
    if (e.remaining <= 0) list.splice(i, 1);
    return e;
  }

  takeFailure(operation: string, spApi: boolean): 500 | 503 | undefined {
    return this.consume(this.fails, operation, spApi)?.status;
  }

  takeReset(operation: string, spApi: boolean): boolean {
    return this.consume(this.resets, operation, spApi) !== undefined;
  }

  isStalled(operation: string, spApi: boolean): boolean {
    return this.stalls.has(operation) || (spApi && this.stalls.has('*'));
  }
}

/** Call counters and the ring of recent requests ("what Amazon received"). */
export interface RecordedRequest {
  operation: string;
  method: string;
  /** Raw, undecoded path (percent-encoding kept). */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
  rawBody: string;
  sellingPartnerId?: string;
  /** HTTP status answered; 0 when the socket was destroyed or the call stalled. */
  status: number;
}

export interface SimulatorStats {
  lwaCalls: { refresh_token: number; authorization_code: number };
  /** Every call per operation (accepted + rejected). */
  calls: Record<string, number>;
  /** Calls that passed authentication and the rate limiter. */
  accepted: Record<string, number>;
  /** 429 answers. */
  throttled: Record<string, number>;
  bySeller: Record<string, Record<string, { accepted: number; throttled: number }>>;
  /** The last 500 requests, oldest first. */
  requests: RecordedRequest[];
  reset(): void;
}

export const REQUEST_RING_SIZE = 500;

export class Stats implements SimulatorStats {
  lwaCalls = { refresh_token: 0, authorization_code: 0 };
  calls: Record<string, number> = {};
  accepted: Record<string, number> = {};
  throttled: Record<string, number> = {};
  bySeller: Record<string, Record<string, { accepted: number; throttled: number }>> = {};
  requests: RecordedRequest[] = [];

  reset(): void {
    this.lwaCalls.refresh_token = 0;
    this.lwaCalls.authorization_code = 0;
    for (const o of [this.calls, this.accepted, this.throttled, this.bySeller]) for (const k of Object.keys(o)) delete o[k];
    this.requests.length = 0;
  }

  call(operation: string): void {
    this.calls[operation] = (this.calls[operation] ?? 0) + 1;
  }

  outcome(operation: string, sellerId: string, throttled: boolean): void {
    const counters = throttled ? this.throttled : this.accepted;
    counters[operation] = (counters[operation] ?? 0) + 1;
    const perSeller = (this.bySeller[sellerId] ??= {});
    const entry = (perSeller[operation] ??= { accepted: 0, throttled: 0 });
    if (throttled) entry.throttled += 1;
    else entry.accepted += 1;
  }

  record(r: RecordedRequest): void {
    this.requests.push(r);
    if (this.requests.length > REQUEST_RING_SIZE) this.requests.splice(0, this.requests.length - REQUEST_RING_SIZE);
  }

  toJSON(): Omit<SimulatorStats, 'requests' | 'reset'> {
    return { lwaCalls: this.lwaCalls, calls: this.calls, accepted: this.accepted, throttled: this.throttled, bySeller: this.bySeller };
  }
}

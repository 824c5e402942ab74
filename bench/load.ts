import { Pool } from 'undici';
import { percentile } from './support.js';

/**
 * The load generator of bench/hot-path: POSTs capability calls, rotating through job tokens, either
 * closed-loop (N connections, each sending its next call when the last one answered: the maximum
 * throughput) or open-loop at a fixed rate (latency at a given load, unaffected by the answers).
 */
export interface Call {
  token: string;
  body: string;
}

export interface LoadResult {
  seconds: number;
  ok: number;
  failed: number;
  ok_per_second: number;
  p50_ms: number;
  p99_ms: number;
  /** Statuses other than 2xx, by status (0 = the connection failed). */
  failures: Record<string, number>;
  /** Open loop only: where the slow calls were sent — p99 of the calls sent in each second of the run. */
  p99_by_second_ms?: number[];
}

/** One call of an open loop: when it was sent (ms since the start) and how long it took; status 0 = the connection failed. */
export interface Sample {
  sentAtMs: number;
  ms: number;
  status: number;
}

export async function closedLoop(url: string, calls: Call[], connections: number, seconds: number): Promise<LoadResult> {
  const pool = new Pool(url, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
  const stats = new Collector();
  let next = 0;
  const stopAt = performance.now() + seconds * 1000;
  try {
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (performance.now() < stopAt) await send(pool, calls[next++ % calls.length] as Call, stats);
      }),
    );
  } finally {
    await pool.close();
  }
  return stats.result(seconds);
}

/**
 * `rate` calls per second for `seconds`, sent in 5 ms ticks whatever the answers. Every call is kept
 * with its send time (`onSamples` gets them all, timed from the end of the lead-in: negative in it),
 * so a long tail can be placed in time.
 *
 * The first `leadInSeconds` run at the same rate on the same connections but are not counted: the
 * generator starts with no connection open, and the calls that open them (TCP handshakes; for a
 * cluster, the primary handing each one to a worker) would otherwise make up the 1 % that set p99.
 * A `pool` passed in (openPool) keeps its connections open from one run to the next.
 */
export async function openLoop(
  url: string,
  calls: Call[],
  rate: number,
  seconds: number,
  onSamples?: (samples: Sample[], measuredFromEpochMs: number) => void,
  leadInSeconds = 1,
  given?: Pool,
): Promise<LoadResult> {
  const pool = given ?? openPool(url);
  const stats = new Collector();
  const leadIn = new Collector();
  const started = performance.now();
  const measuredFrom = started + leadInSeconds * 1000;
  const inflight = new Set<Promise<void>>();
  let sent = 0;
  let next = 0;
  try {
    for (;;) {
      const elapsed = (performance.now() - started) / 1000;
      if (elapsed >= leadInSeconds + seconds) break;
      for (const due = Math.floor(elapsed * rate); sent < due; sent++) {
        const into = sent < leadInSeconds * rate ? leadIn : stats;
        const p = send(pool, calls[next++ % calls.length] as Call, into, measuredFrom).finally(() => inflight.delete(p));
        inflight.add(p);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await Promise.all(inflight);
  } finally {
    if (!given) await pool.close();
  }
  onSamples?.([...leadIn.samples, ...stats.samples], Math.round(performance.timeOrigin + measuredFrom));
  return { ...stats.result(seconds), p99_by_second_ms: stats.p99BySecond(seconds) };
}

/** The open loop's connections: one per call in flight (no pipelining), opened as needed. */
export const openPool = (url: string) => new Pool(url, { connections: 256, pipelining: 1, keepAliveTimeout: 30_000 });

async function send(pool: Pool, call: Call, stats: Collector, origin = 0) {
  const t0 = performance.now();
  let status = 0;
  try {
    const response = await pool.request({
      method: 'POST',
      path: '/api/capabilities',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${call.token}` },
      body: call.body,
    });
    await response.body.dump();
    status = response.statusCode;
  } catch {
    status = 0;
  }
  stats.add(status, performance.now() - t0, t0 - origin);
}

class Collector {
  private readonly latencies: number[] = [];
  private readonly failures: Record<string, number> = {};
  readonly samples: Sample[] = [];
  private failed = 0;

  add(status: number, ms: number, sentAtMs: number) {
    this.samples.push({ sentAtMs, ms, status });
    if (status >= 200 && status < 300) this.latencies.push(ms);
    else {
      this.failed++;
      this.failures[status] = (this.failures[status] ?? 0) + 1;
    }
  }

  result(seconds: number): LoadResult {
    const sorted = this.latencies.sort((a, b) => a - b);
    return {
      seconds,
      ok: sorted.length,
      failed: this.failed,
      ok_per_second: Math.round(sorted.length / seconds),
      p50_ms: +percentile(sorted, 50).toFixed(1),
      p99_ms: +percentile(sorted, 99).toFixed(1),
      failures: this.failures,
    };
  }

  p99BySecond(seconds: number): number[] {
    const buckets: number[][] = Array.from({ length: Math.ceil(seconds) }, () => []);
    for (const s of this.samples) if (s.status >= 200 && s.status < 300) buckets[Math.min(buckets.length - 1, Math.floor(s.sentAtMs / 1000))]?.push(s.ms);
    return buckets.map((b) => +percentile(b.sort((x, y) => x - y), 99).toFixed(1));
  }
}

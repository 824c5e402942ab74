import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one app instance (a registry each, so several apps can live in one process). */
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequests = new Histogram({
    name: 'broker_http_request_duration_seconds',
    help: 'HTTP requests by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly capabilityCalls = new Counter({
    name: 'broker_capability_calls_total',
    help: 'Capability calls by capability and outcome code',
    labelNames: ['capability', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly amazonCalls = new Histogram({
    name: 'broker_spapi_call_duration_seconds',
    help: 'Calls to Amazon SP-API by operation and HTTP status (0 = network error)',
    labelNames: ['operation', 'status'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers: [this.registry],
  });

  readonly lwaRefreshes = new Counter({
    name: 'broker_lwa_refreshes_total',
    help: 'LWA access-token refreshes by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly quotaWaits = new Histogram({
    name: 'broker_quota_wait_seconds',
    help: 'Time callers waited for a seller quota token',
    labelNames: ['operation'] as const,
    buckets: [0, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
    registers: [this.registry],
  });

  private auditQueueSource: () => number = () => 0;

  readonly auditQueueDepth: Gauge = new Gauge({
    name: 'broker_audit_queue_depth',
    help: 'Audit events waiting in memory to be written',
    registers: [this.registry],
    collect: () => {
      this.auditQueueDepth.set(this.auditQueueSource());
    },
  });

  readonly auditEventsWritten = new Counter({
    name: 'broker_audit_events_written_total',
    help: 'Audit events written to the database',
    registers: [this.registry],
  });

  readonly auditEventsDropped = new Counter({
    name: 'broker_audit_events_dropped_total',
    help: 'Audit events lost: the queue was full (database down) or could not be written at shutdown',
    registers: [this.registry],
  });

  readonly auditWriteFailures = new Counter({
    name: 'broker_audit_write_failures_total',
    help: 'Failed audit batch writes (retried with backoff)',
    registers: [this.registry],
  });

  /** The audit queue reports its depth at scrape time. */
  trackAuditQueue(depth: () => number) {
    this.auditQueueSource = depth;
  }

  private logWriter: { droppedLines: number; failedWrites: number } = { droppedLines: 0, failedWrites: 0 };

  /** The log destination reports what it lost at scrape time (src/chunked-writer.ts keeps the totals). */
  trackLogWriter(writer: { droppedLines: number; failedWrites: number }) {
    this.logWriter = writer;
  }

  readonly logLinesDropped: Counter = new Counter({
    name: 'broker_log_lines_dropped_total',
    help: 'Log lines dropped because stdout stalled (more than 16 M characters were waiting)',
    registers: [this.registry],
    collect: () => {
      this.logLinesDropped.reset();
      this.logLinesDropped.inc(this.logWriter.droppedLines);
    },
  });

  readonly logWriteFailures: Counter = new Counter({
    name: 'broker_log_write_failures_total',
    help: 'Chunks of log lines lost to a failed write to stdout (its reader gone)',
    registers: [this.registry],
    collect: () => {
      this.logWriteFailures.reset();
      this.logWriteFailures.inc(this.logWriter.failedWrites);
    },
  });

  readonly confirmations = new Counter({
    name: 'broker_confirmations_total',
    help: 'Staged writes by what happened: staged, applied, amazon_rejected, rejected, expired, apply_error',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  private quotaDegradedSource: () => boolean = () => false;
  private readinessSource: () => Promise<Record<string, boolean>> = async () => ({});

  readonly quotaDegraded: Gauge = new Gauge({
    name: 'broker_quota_degraded',
    help: '1 while the quota limiter runs on its local fallback because Redis does not answer',
    registers: [this.registry],
    collect: () => {
      this.quotaDegraded.set(this.quotaDegradedSource() ? 1 : 0);
    },
  });

  readonly ready: Gauge<'check'> = new Gauge({
    name: 'broker_ready',
    help: "1 when a dependency /readyz checks answers (check: database, redis), 0 when it does not",
    labelNames: ['check'] as const,
    registers: [this.registry],
    collect: async () => {
      for (const [check, ok] of Object.entries(await this.readinessSource())) this.ready.set({ check }, ok ? 1 : 0);
    },
  });

  /** The quota limiter and the readiness checks report at scrape time. */
  trackHealth(sources: { quotaDegraded: () => boolean; readiness: () => Promise<Record<string, boolean>> }) {
    this.quotaDegradedSource = sources.quotaDegraded;
    this.readinessSource = sources.readiness;
  }

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}

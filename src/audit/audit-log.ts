import type { Logger } from 'pino';
import { preparedQuery, type Db, type PreparedStatement } from '../db/database.js';
import type { Metrics } from '../metrics.js';
import type { AuditEvent, AuditSink } from './audit.js';
import { createMonthPartition, monthStart } from './partitions.js';

export interface AuditLogOptions {
  /** Rows per INSERT; a full batch is written at once instead of waiting for the timer. */
  batchSize?: number;
  flushIntervalMs?: number;
  /** Bound of the in-memory queue; beyond it new events are dropped, counted and logged. */
  maxQueued?: number;
}

const MAX_BACKOFF_MS = 5_000;
const DROP_LOG_INTERVAL_MS = 10_000;
const NO_PARTITION = '23514';

/**
 * A whole batch in one statement whose text never changes, whatever the batch size: the rows as one
 * JSON array (one parameter), so Postgres parses and plans it once per connection, and the driver
 * sends one string that JSON.stringify wrote instead of 13 array literals built value by value
 * (bench/README.md, "the audit insert"). json_to_recordset turns each row's JSON array of Amazon
 * request ids into text[] in order.
 */
const INSERT_AUDIT_EVENTS: PreparedStatement = {
  name: 'audit_events_insert_json',
  text: `INSERT INTO audit_events (time, event, order_id, buyer_id, token_id, tool_id, confirmation_id, capability,
           marketplace_id, outcome, http_status, latency_ms, amazon_request_ids)
         SELECT time, event, order_id, buyer_id, token_id, tool_id, confirmation_id, capability, marketplace_id, outcome,
           http_status, latency_ms, amazon_request_ids
         FROM json_to_recordset($1::json) AS e(time timestamptz, event text, order_id text, buyer_id text, token_id text,
           tool_id text, confirmation_id text, capability text, marketplace_id text, outcome text, http_status int,
           latency_ms int, amazon_request_ids text[])`,
};

/**
 * The audit trail, written off the request path: `record` queues the event and returns; a timer
 * (every ~100 ms) or a full batch (500 rows) writes the queue, one INSERT per batch. While Postgres
 * is down the queue keeps what it has and retries with backoff; once full, new events are dropped
 * and counted (broker_audit_events_dropped_total) — a call never waits for the audit.
 * `flush()` writes everything queued so far (tests await it; shutdown calls it through `close()`).
 */
export class AuditLog implements AuditSink {
  private readonly queue: AuditEvent[] = [];
  private readonly batchSize: number;
  private readonly flushIntervalMs: number;
  private readonly maxQueued: number;
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private draining = false;
  private consecutiveFailures = 0;
  private droppedSinceLog = 0;
  private lastDropLog = 0;
  private closed = false;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly metrics: Metrics,
    options: AuditLogOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.flushIntervalMs = options.flushIntervalMs ?? 100;
    this.maxQueued = options.maxQueued ?? 50_000;
    metrics.trackAuditQueue(() => this.queue.length);
  }

  get depth(): number {
    return this.queue.length;
  }

  record(event: AuditEvent): void {
    const confirmation = confirmationStatus(event);
    if (confirmation) this.metrics.confirmations.inc({ status: confirmation });
    if (this.closed || this.queue.length >= this.maxQueued) {
      this.drop(1, this.closed ? 'audit log closed' : 'audit queue full');
      return;
    }
    this.queue.push(event);
    if (this.queue.length >= this.batchSize && !this.draining && this.consecutiveFailures === 0) {
      this.cancelTimer();
      this.flushInBackground();
    } else {
      this.schedule(this.flushIntervalMs);
    }
  }

  /** Writes every queued event; rejects (keeping them queued) when the database refuses. */
  flush(): Promise<void> {
    this.cancelTimer();
    const run = this.chain.then(() => this.drain());
    this.chain = run.catch(() => {});
    return run;
  }

  /** Stops the timer and writes what is left; what cannot be written is counted as dropped and logged. */
  async close(): Promise<void> {
    this.closed = true;
    try {
      await this.flush();
    } catch (error) {
      this.log.error({ err: { message: (error as Error).message }, lost: this.queue.length }, 'audit events could not be written at shutdown');
      this.drop(this.queue.splice(0).length, 'shutdown');
    }
  }

  private schedule(delayMs: number) {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushInBackground();
    }, delayMs);
    // The server keeps the process alive; shutdown flushes explicitly.
    this.timer.unref();
  }

  private cancelTimer() {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private flushInBackground() {
    this.flush().then(
      () => {
        if (this.consecutiveFailures > 0) this.log.info({ after_failures: this.consecutiveFailures }, 'audit writes resumed');
        this.consecutiveFailures = 0;
        if (this.queue.length > 0) this.schedule(this.flushIntervalMs);
      },
      (error: unknown) => {
        this.consecutiveFailures += 1;
        this.metrics.auditWriteFailures.inc();
        if (this.consecutiveFailures === 1 || this.consecutiveFailures % 50 === 0) {
          this.log.warn({ err: { message: (error as Error).message }, queued: this.queue.length, failures: this.consecutiveFailures }, 'audit write failed; retrying');
        }
        this.schedule(Math.min(this.flushIntervalMs * 2 ** this.consecutiveFailures, MAX_BACKOFF_MS));
      },
    );
  }

  private async drain() {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.slice(0, this.batchSize);
        await this.write(batch);
        // Only appends happen meanwhile, so the batch is still the queue's head.
        this.queue.splice(0, batch.length);
        this.metrics.auditEventsWritten.inc(batch.length);
      }
    } finally {
      this.draining = false;
    }
  }

  private async write(batch: AuditEvent[], retried = false): Promise<void> {
    try {
      await preparedQuery(this.db, INSERT_AUDIT_EVENTS, [toRows(batch)]);
    } catch (error) {
      if (retried || (error as { code?: string }).code !== NO_PARTITION) throw error;
      // The janitor has not created this month yet (or the clock jumped): create it and retry once.
      const months = new Map(batch.map((event) => [monthStart(event.time).getTime(), monthStart(event.time)]));
      for (const month of months.values()) await createMonthPartition(this.db, month);
      await this.write(batch, true);
    }
  }

  private drop(count: number, reason: string) {
    if (count === 0) return;
    this.metrics.auditEventsDropped.inc(count);
    this.droppedSinceLog += count;
    const now = Date.now();
    if (now - this.lastDropLog >= DROP_LOG_INTERVAL_MS) {
      this.log.error({ dropped: this.droppedSinceLog, reason, queued: this.queue.length }, 'audit events dropped');
      this.droppedSinceLog = 0;
      this.lastDropLog = now;
    }
  }
}

/** What an event says about a staged write, for broker_confirmations_total (undefined: nothing). */
function confirmationStatus(event: AuditEvent): string | undefined {
  switch (event.event) {
    case 'capability_call':
      if (event.outcome === 'PENDING_CONFIRMATION') return 'staged';
      return event.outcome === 'APPLIED' || event.outcome === 'REJECTED_BY_AMAZON' ? confirmationStatus({ ...event, event: 'confirmation_apply' }) : undefined;
    case 'capability_replay':
      return undefined; // the first answer counted it
    case 'confirmation_apply':
      if (event.outcome === 'APPLIED') return 'applied';
      return event.outcome === 'REJECTED_BY_AMAZON' ? 'amazon_rejected' : 'apply_error';
    case 'confirmation_reject':
      return 'rejected';
    case 'confirmation_expire':
      return 'expired';
    case 'authorization_confirm':
    case 'authorization_expire':
      return undefined; // no staged write
  }
}

/**
 * Postgres text cannot hold NUL, nor JSON text a lone surrogate, and one refused value would fail
 * its whole batch, retried until the queue overflows: an agent's capability name of "x\u0000" would
 * stop the instance's audit. Both become U+FFFD.
 */
function storable<T extends string | null>(value: T): T {
  if (value === null) return value;
  const wellFormed = value.isWellFormed() ? value : value.toWellFormed();
  return (wellFormed.includes('\u0000') ? wellFormed.replaceAll('\u0000', '\ufffd') : wellFormed) as T;
}

/** The batch as the JSON rows of INSERT_AUDIT_EVENTS (ISO times: exact to the millisecond, whatever the time zone). */
const toRows = (batch: AuditEvent[]): string =>
  JSON.stringify(
    batch.map((e) => ({
      time: e.time.toISOString(),
      event: e.event,
      order_id: storable(e.orderId),
      buyer_id: storable(e.buyerId),
      token_id: storable(e.tokenId),
      tool_id: storable(e.toolId),
      confirmation_id: storable(e.confirmationId),
      capability: storable(e.capability.slice(0, 100)),
      marketplace_id: storable(e.marketplaceId),
      outcome: storable(e.outcome),
      http_status: e.httpStatus,
      latency_ms: Math.round(e.latencyMs),
      amazon_request_ids: e.amazonRequestIds.map(storable),
    })),
  );

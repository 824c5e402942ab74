import { randomBytes } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { Logger } from 'pino';

/**
 * Hears the `broker_invalidate` notifications that triggers send when a cached row changes (see
 * migrations/…_cache_invalidation.ts): `token:<hash>`, `order:<id>`, `buyer:<id>`.
 *
 * `live` is true only while the feed is subscribed: caches serve from memory only then. While the
 * channel is down they bypass themselves (every lookup reads Postgres, as before caching), and on
 * every (re)subscription they are flushed, since notifications may have been missed meanwhile.
 */
export const INVALIDATION_CHANNEL = 'broker_invalidate';
/** application_name of the listening connection (how ops find it in pg_stat_activity). */
export const LISTENER_NAME = 'broker-cache-invalidation';

export interface InvalidationFeed {
  readonly live: boolean;
  /** `key` was invalidated; null: forget everything (the channel went down or came back). */
  subscribe(listener: (key: string | null) => void): void;
  /**
   * Resolves once every notification committed before the call has been handled by every listening
   * instance (Postgres delivers notifications in commit order: this sends one more, each instance
   * acknowledges it). Writers call it before answering, so a revocation they report is already
   * known everywhere when their caller reads the answer. `everyInstance: false`: this one only.
   */
  barrier(timeoutMs?: number, options?: { everyInstance?: boolean }): Promise<void>;
  close(): Promise<void>;
}

/**
 * Barriers: `sync:<nonce>:<origin>` goes out after the writer's commit. Every listener has handled
 * whatever was committed before it when it hears it (commit order, one connection), and answers
 * `ack:<nonce>`; the writer waits for its own echo and for one ack per other listening instance.
 */
abstract class BaseFeed implements InvalidationFeed {
  private readonly listeners: ((key: string | null) => void)[] = [];
  private readonly waiting = new Map<string, { acks: number; wanted: number; echoed: boolean; done: () => void }>();
  private readonly origin = randomBytes(6).toString('hex');
  protected isLive = false;

  get live() {
    return this.isLive;
  }

  subscribe(listener: (key: string | null) => void) {
    this.listeners.push(listener);
  }

  async barrier(timeoutMs = 2_000, options: { everyInstance?: boolean } = {}): Promise<void> {
    if (!this.isLive) return;
    const nonce = randomBytes(8).toString('hex');
    let timer: NodeJS.Timeout | undefined;
    // The limit covers the whole barrier: during a Postgres stall the count and the notify queries
    // would wait as long as the stall, and a caller waits on the barrier before it gets its answer.
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const state = this.waiting.get(nonce);
        reject(new Error(`invalidation barrier incomplete after ${timeoutMs} ms (echo: ${state?.echoed ?? false}, acks: ${state?.acks ?? 0}/${state?.wanted ?? '?'})`));
      }, timeoutMs);
    });
    expired.catch(() => {});
    try {
      const others = options.everyInstance === false ? 0 : Math.max(0, (await Promise.race([this.listenerCount(), expired])) - 1);
      const heard = new Promise<void>((resolve) => this.waiting.set(nonce, { acks: 0, wanted: others, echoed: false, done: resolve }));
      await Promise.race([this.notify(`sync:${nonce}:${this.origin}`).then(() => heard), expired]);
    } finally {
      clearTimeout(timer);
      this.waiting.delete(nonce);
    }
  }

  protected abstract notify(payload: string): Promise<void>;
  /** How many instances listen on this database (this one included). */
  protected abstract listenerCount(): Promise<number>;
  abstract close(): Promise<void>;

  protected heard(payload: string) {
    if (payload.startsWith('sync:')) {
      const [, nonce = '', origin] = payload.split(':');
      if (origin !== this.origin) return void this.notify(`ack:${nonce}`).catch(() => {});
      return this.progress(nonce, (state) => (state.echoed = true));
    }
    if (payload.startsWith('ack:')) return this.progress(payload.slice(4), (state) => (state.acks += 1));
    for (const listener of this.listeners) listener(payload);
  }

  private progress(nonce: string, update: (state: { acks: number; echoed: boolean }) => void) {
    const state = this.waiting.get(nonce);
    if (!state) return;
    update(state);
    if (state.echoed && state.acks >= state.wanted) state.done();
  }

  protected setLive(live: boolean) {
    this.isLive = live;
    for (const listener of this.listeners) listener(null);
  }
}

export interface PgFeedOptions {
  connectionString: string;
  log: Logger;
  /** First reconnect delay; doubles per failure up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** How often the subscription proves it still hears its own notifications (a silently dead socket). */
  healthCheckMs?: number;
}

/**
 * A dedicated Postgres connection that LISTENs (never from the pool: a pooled client would be
 * handed to queries). Errors are listened to; on a lost connection it reconnects with jittered
 * back-off, subscribes again and flushes the caches. Every `healthCheckMs` it sends itself a
 * notification; no echo within the limit counts as a lost connection.
 */
export class PgInvalidationFeed extends BaseFeed {
  private client: pg.Client | undefined;
  private failures = 0;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly healthTimer: NodeJS.Timeout;
  private queries: Promise<void> = Promise.resolve();

  constructor(private readonly options: PgFeedOptions) {
    super();
    this.healthTimer = setInterval(() => void this.checkHealth(), options.healthCheckMs ?? 5_000);
    this.healthTimer.unref();
  }

  /** Connects once; a failure leaves the feed down (caches bypassed) and retrying in the background. */
  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.options.connectionString, keepAlive: true, application_name: LISTENER_NAME });
    this.client = client;
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    client.on('notification', (message) => {
      if (message.channel === INVALIDATION_CHANNEL && message.payload) this.heard(message.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${INVALIDATION_CHANNEL}`);
    } catch (error) {
      this.lost(client, error);
      return;
    }
    if (this.client !== client || this.closed) return;
    if (this.failures > 0) this.options.log.info('cache invalidation channel subscribed again: in-process caches serve again');
    this.failures = 0;
    this.setLive(true);
  }

  private lost(client: pg.Client, error: unknown) {
    if (this.client !== client || this.closed) return;
    this.client = undefined;
    client.removeAllListeners('notification');
    client.on('error', () => {}); // late errors of a connection given up
    void client.end().catch(() => {});
    const wasLive = this.isLive;
    this.setLive(false);
    this.failures += 1;
    const backoff = Math.min((this.options.backoffMs ?? 100) * 2 ** (this.failures - 1), this.options.maxBackoffMs ?? 5_000);
    if (wasLive || this.failures === 1) {
      this.options.log.warn(
        { err: { message: (error as Error)?.message ?? String(error) } },
        'cache invalidation channel lost: caches bypassed (every lookup reads Postgres) until it is back',
      );
    }
    this.reconnectTimer = setTimeout(() => void this.connect(), backoff * (0.5 + Math.random() / 2));
    this.reconnectTimer.unref();
  }

  private async checkHealth() {
    const client = this.client;
    if (!client || !this.isLive) return;
    try {
      await this.barrier(2_000, { everyInstance: false });
    } catch (error) {
      this.lost(client, error);
    }
  }

  protected async notify(payload: string) {
    await this.query('SELECT pg_notify($1, $2)', [INVALIDATION_CHANNEL, payload]);
  }

  protected async listenerCount() {
    const result = await this.query('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1', [LISTENER_NAME]);
    return Number((result.rows[0] as { n?: string } | undefined)?.n ?? 1);
  }

  /** One query at a time on the listening connection (acks, barriers and health checks may overlap). */
  private query(text: string, values: unknown[]): Promise<pg.QueryResult> {
    const client = this.client;
    if (!client) return Promise.reject(new Error('invalidation channel is down'));
    const result = this.queries.then(() => client.query(text, values));
    this.queries = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  async close() {
    this.closed = true;
    clearInterval(this.healthTimer);
    clearTimeout(this.reconnectTimer);
    this.isLive = false;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }
}

/** Embedded PGlite (sandbox, one instance): its notifications arrive in process, with the query that sent them. */
export class PgliteInvalidationFeed extends BaseFeed {
  private unlisten: (() => Promise<void>) | undefined;

  constructor(private readonly pglite: PGlite) {
    super();
  }

  async start() {
    this.unlisten = await this.pglite.listen(INVALIDATION_CHANNEL, (payload) => this.heard(payload));
    this.setLive(true);
  }

  protected async notify(payload: string) {
    await this.pglite.query('SELECT pg_notify($1, $2)', [INVALIDATION_CHANNEL, payload]);
  }

  /** Every listener of one PGlite hears a notification before the query that sent it returns: no acks to wait for. */
  protected async listenerCount() {
    return 1;
  }

  async close() {
    this.isLive = false;
    await this.unlisten?.().catch(() => {});
  }
}

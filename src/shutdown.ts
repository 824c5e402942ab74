import type { FastifyInstance } from 'fastify';

/**
 * Graceful shutdown of one serving process (or one worker): stop accepting, let in-flight calls
 * finish, close every keep-alive connection as soon as it is idle, then close the app (the audit is
 * flushed, pools, Redis and timers closed by its onClose hook) and whatever else `alsoClose` holds.
 * The process then exits by itself with code 0: nothing is left to keep it alive. If anything is
 * still open when `timeoutMs` has passed, it says what and exits 1.
 */
export interface ShutdownOptions {
  /** SHUTDOWN_TIMEOUT_MS: from the signal to the process gone. */
  timeoutMs: number;
  /** Closed after the app (the sandbox's embedded simulator). */
  alsoClose?: () => Promise<void>;
  /** How the process ends when the deadline passes (tests replace it). */
  exit?: (code: number) => void;
}

const IDLE_SWEEP_MS = 50;

/** Counts requests being answered, so a late shutdown can say how many were cut off. */
function trackInFlight(app: FastifyInstance) {
  let inFlight = 0;
  app.server.on('request', (_request, response) => {
    inFlight += 1;
    response.once('close', () => {
      inFlight -= 1;
    });
  });
  return () => inFlight;
}

function describeOpen(app: FastifyInstance, inFlight: number, connections: number) {
  const resources: Record<string, number> = {};
  for (const name of process.getActiveResourcesInfo()) resources[name] = (resources[name] ?? 0) + 1;
  return { in_flight_requests: inFlight, open_connections: connections, audit_queue: app.services.audit.depth, active_resources: resources };
}

/** Closes the app gracefully; resolves when everything the broker opened is closed. */
export async function closeGracefully(app: FastifyInstance, options: Pick<ShutdownOptions, 'alsoClose'> = {}): Promise<void> {
  // A connection that was busy when close() began stays open after its answer (keep-alive):
  // close each one as soon as it goes idle, or server.close() would wait for the client.
  const sweeper = setInterval(() => app.server.closeIdleConnections(), IDLE_SWEEP_MS);
  try {
    await app.close();
  } finally {
    clearInterval(sweeper);
  }
  await options.alsoClose?.();
}

/**
 * SIGTERM / SIGINT start the graceful shutdown (a second signal ends the process at once). Call it
 * once the app listens; a node:cluster worker calls it for its own app.
 */
export function installShutdown(app: FastifyInstance, options: ShutdownOptions): void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const inFlight = trackInFlight(app);
  let started = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (started) {
      app.log.warn({ signal }, 'second signal: exiting now');
      exit(1);
      return;
    }
    started = true;
    app.log.info({ signal, timeout_ms: options.timeoutMs }, 'shutting down: no new connections, finishing calls in flight');
    // Unref'd: it fires only if something still keeps the process alive at the deadline.
    const deadline = setTimeout(() => {
      app.server.getConnections((_error, connections) => {
        app.log.error(describeOpen(app, inFlight(), connections), `shutdown deadline of ${options.timeoutMs} ms passed with these still open`);
        exit(1);
      });
    }, options.timeoutMs);
    deadline.unref();
    closeGracefully(app, options).then(
      () => app.log.info('closed: every connection, pool and timer; exiting'),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

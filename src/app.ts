import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { DestinationStream } from 'pino';
import { ChunkedWriter } from './chunked-writer.js';
import type { Config } from './config.js';
import { ablate } from './bench-ablation.js';
import { frameworkErrors, installErrorHandler } from './http/error-handler.js';
import { createAccessLog, createLogger, logDestination, REQUEST_ID, requestLogger } from './logger.js';
import { registerFrontDoorRateLimit } from './quota/front-door.js';
import capabilityRoutes from './routes/capabilities.js';
import internalRoutes from './routes/internal/index.js';
import oauthCallbackRoutes from './routes/oauth-callback.js';
import mcpRoutes from './routes/mcp.js';
import opsRoutes from './routes/ops.js';
import { ErrorEnvelope } from './schemas/envelope.js';
import { OPENAPI_FRAME, transformDocument } from './api-docs/document.js';
import { type BrokerServices, createServices, type ServiceOverrides } from './services.js';

declare module 'fastify' {
  interface FastifyInstance {
    services: BrokerServices;
  }
}

export interface BuildOverrides extends ServiceOverrides {
  /** Where log lines go (tests capture them to prove secrets never appear). */
  logStream?: DestinationStream;
}

/** The one builder of the broker, used by the server, the tests, the benchmarks and the OpenAPI generator. */
export async function buildApp(config: Config, overrides: BuildOverrides = {}): Promise<FastifyInstance> {
  const logStream = overrides.logStream ?? logDestination();
  const log = createLogger(config, logStream);
  const accessLog = createAccessLog(config, logStream);
  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    // Take the caller's request id when it is sane, so one id follows a call across services.
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    frameworkErrors,
    childLoggerFactory: requestLogger,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
    // One line per request, written by our onResponse hook (Fastify's would add headers and two lines).
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'request_id' }),
  });

  const services = await createServices(config, log, overrides);
  if (logStream instanceof ChunkedWriter) services.metrics.trackLogWriter(logStream);
  app.decorate('services', services);
  // Set per request on the hot path; declared here so every request object has one shape.
  app.decorateRequest('bearer', undefined);
  app.decorateRequest('job', undefined);
  app.addHook('onClose', async () => {
    await services.close();
    // The last lines before the process ends (a given stream is its owner's to close).
    if (logStream instanceof ChunkedWriter) await logStream.close();
  });

  installErrorHandler(app);
  // Bodies are JSON only: a text/plain body is refused by its content type instead of reaching a
  // schema as a string ("body must be object" would not say what is wrong).
  app.removeContentTypeParser('text/plain');
  app.addSchema(ErrorEnvelope);

  // Both hooks on every request take a callback, not async: an async hook costs a promise per request.
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    // Answers carry job tokens, OAuth states, buyers' data: no cache may keep them (the API docs may be cached).
    if (!reply.hasHeader('cache-control') && !request.url.startsWith('/docs')) reply.header('cache-control', 'no-store');
    done(null, payload);
  });
  // One log line per request, with its id; headers are not logged (they carry bearer secrets).
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const elapsedMs = reply.elapsedTime;
    if (!ablate.metrics) services.metrics.httpRequests.observe({ method: request.method, route, status: String(reply.statusCode) }, elapsedMs / 1000);
    if (!ablate.access_log) accessLog.requestCompleted({ request_id: request.id, method: request.method, route, status: reply.statusCode, ms: Math.round(elapsedMs) });
    done();
  });

  await app.register(swagger, {
    openapi: OPENAPI_FRAME,
    transformObject: (built) => ('openapiObject' in built ? transformDocument(built.openapiObject) : built.swaggerObject),
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  // deepLinking: /docs#/capabilities/callCapability opens that operation (the README links to them).
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true, displayOperationId: true } });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  // Ops probes must keep answering however busy a caller is.
  const opsPaths = new Set(['/healthz', '/readyz', '/metrics']);
  await registerFrontDoorRateLimit(app, { config, counter: services.frontDoor, skip: (request) => opsPaths.has(request.url) });
  await app.register(opsRoutes);
  await app.register(capabilityRoutes);
  await app.register(mcpRoutes);
  await app.register(internalRoutes);
  await app.register(oauthCallbackRoutes);
  return app;
}

import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { readinessChecks } from '../readiness.js';

const Health = Type.Object({ ok: Type.Boolean(), checks: Type.Optional(Type.Record(Type.String(), Type.String())) });

/** Liveness, readiness and Prometheus metrics for ops; no credentials needed, nothing secret shown. */
export default async function opsRoutes(app: FastifyInstance) {
  const healthz = {
    tags: ['ops'],
    operationId: 'getHealth',
    summary: 'Process is up',
    description: 'Liveness: answers 200 while the process runs. It checks nothing else; /readyz checks the dependencies.',
    response: { 200: Health },
  };
  app.get('/healthz', { schema: healthz }, async () => ({ ok: true }));

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['ops'],
        operationId: 'getReadiness',
        summary: 'Database and Redis reachable',
        description: 'Readiness: 200 when Postgres and Redis answer, 503 naming the one that does not (without Redis the broker keeps serving, in its documented degraded mode).',
        response: { 200: Health, 503: Health },
      },
    },
    async (_request, reply) => {
      const checks = await readinessChecks(app.services);
      const ok = Object.values(checks).every((value) => value === 'ok');
      return reply.status(ok ? 200 : 503).send({ ok, checks });
    },
  );

  const metrics = {
    tags: ['ops'],
    operationId: 'getMetrics',
    summary: 'Prometheus metrics',
    description: 'Prometheus text format: request latency per route and status, capability calls per outcome, Amazon calls and quota waits, LWA refreshes, confirmations, the audit queue, readiness and the Node.js process (event-loop lag, memory). ops/grafana and ops/prometheus use them.',
    response: { 200: { type: 'string', description: 'Prometheus exposition format' } },
  };
  app.get('/metrics', { schema: metrics }, async (_request, reply) => {
    const { registry } = app.services.metrics;
    return reply.type(registry.contentType).send(await registry.metrics());
  });

  // RFC 9116: whom to tell about a vulnerability in this deployment (SECURITY_CONTACT; unset, no file).
  // Made from the running configuration, so it is current while served: Expires (required, at most a
  // year ahead) is a week from now, and a copy kept elsewhere goes stale soon after the file goes.
  const contacts = app.services.config.securityContact;
  if (contacts) {
    app.get('/.well-known/security.txt', { schema: { hide: true } }, async (_request, reply) => {
      const expires = new Date(Date.now() + 7 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const lines = [...contacts.map((uri) => `Contact: ${uri}`), `Expires: ${expires}`, 'Preferred-Languages: en'];
      return reply.type('text/plain; charset=utf-8').send(`${lines.join('\n')}\n`);
    });
  }
}

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
}

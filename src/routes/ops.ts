import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { sql } from 'kysely';

const Health = Type.Object({ ok: Type.Boolean(), checks: Type.Optional(Type.Record(Type.String(), Type.String())) });

const withTimeout = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), ms).unref())]);

/** Liveness, readiness and Prometheus metrics for ops; no credentials needed, nothing secret shown. */
export default async function opsRoutes(app: FastifyInstance) {
  app.get('/healthz', { schema: { tags: ['ops'], summary: 'Process is up', response: { 200: Health } } }, async () => ({ ok: true }));

  app.get(
    '/readyz',
    { schema: { tags: ['ops'], summary: 'Database and Redis reachable', response: { 200: Health, 503: Health } } },
    async (_request, reply) => {
      const { db, store, quota } = app.services;
      const checks: Record<string, string> = {};
      await withTimeout(sql`select 1`.execute(db), 2_000).then(
        () => (checks.database = 'ok'),
        () => (checks.database = 'unreachable'),
      );
      await withTimeout(store.ping(), 2_000).then(
        () => (checks[store.kind === 'redis' ? 'redis' : 'store'] = 'ok'),
        () => (checks.redis = 'unreachable'),
      );
      if (quota.degraded) checks.quota = 'degraded: local fallback limiter';
      const ok = Object.values(checks).every((value) => value === 'ok');
      return reply.status(ok ? 200 : 503).send({ ok, checks });
    },
  );

  app.get('/metrics', { schema: { tags: ['ops'], summary: 'Prometheus metrics', hide: false } }, async (_request, reply) => {
    const { registry } = app.services.metrics;
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}

import Fastify from 'fastify';
import { passThrough } from './floor-passthrough.js';

/**
 * The Fastify floor of bench/hot-path: bench/floor.ts's pass-through (floor-passthrough.ts) as one
 * route of the project's own Fastify, so the figures separate the framework's cost from the
 * broker's own. Environment: FLOOR_PORT, and floor-passthrough.ts's.
 */
const app = Fastify({ logger: false, keepAliveTimeout: 30_000 });
app.post<{ Body: { params?: { sku?: unknown } } }>('/api/capabilities', async (request, reply) => {
  const answer = await passThrough(request.headers.authorization, request.body);
  return reply.code(answer.status).type('application/json').send(answer.text);
});
await app.listen({ port: Number(process.env.FLOOR_PORT), host: '127.0.0.1' });
process.stdout.write('floor ready\n');
process.on('SIGTERM', () => process.exit(0));

import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import { Pool } from 'undici';

/**
 * The Fastify floor of bench/hot-path: bench/floor.ts's pass-through (parse the JSON body, look the
 * bearer up in a Map, forward to the SP-API with undici, hand the answer back) as one route of the
 * project's own Fastify, so the figures separate the framework's cost from the broker's own.
 * Same environment as bench/floor.ts: FLOOR_PORT, FLOOR_SPAPI, FLOOR_TOKENS.
 */
interface Grant {
  sellingPartnerId: string;
  accessToken: string;
  marketplaceId: string;
}

const tokens = new Map<string, Grant>(JSON.parse(readFileSync(process.env.FLOOR_TOKENS as string, 'utf8')) as [string, Grant][]);
const amazon = new Pool(process.env.FLOOR_SPAPI as string, { connections: 32, pipelining: 1, keepAliveTimeout: 30_000 });

const app = Fastify({ logger: false, keepAliveTimeout: 30_000 });
app.post<{ Body: { params?: { sku?: string } } }>('/api/capabilities', async (request, reply) => {
  const grant = tokens.get((request.headers.authorization ?? '').slice(7));
  const sku = request.body?.params?.sku;
  if (!grant || typeof sku !== 'string') return reply.code(401).type('application/json').send('{"ok":false}');
  const path =
    `/listings/2021-08-01/items/${encodeURIComponent(grant.sellingPartnerId)}/${encodeURIComponent(sku)}` +
    `?marketplaceIds=${grant.marketplaceId}&includedData=summaries,attributes,issues,offers,fulfillmentAvailability`;
  try {
    const answer = await amazon.request({ method: 'GET', path, headers: { 'x-amz-access-token': grant.accessToken, accept: 'application/json' } });
    const text = await answer.body.text();
    return reply.code(answer.statusCode).type('application/json').send(`{"ok":${answer.statusCode === 200},"data":${text || 'null'}}`);
  } catch {
    return reply.code(502).type('application/json').send('{"ok":false}');
  }
});
await app.listen({ port: Number(process.env.FLOOR_PORT), host: '127.0.0.1' });
process.stdout.write('floor ready\n');
process.on('SIGTERM', () => process.exit(0));

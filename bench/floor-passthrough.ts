import { readFileSync } from 'node:fs';
import { Pool } from 'undici';

/**
 * What both floors of bench/hot-path do per call, so the bare floor (floor.ts) and the Fastify floor
 * (fastify-floor.ts) differ only in the HTTP server around it: look the bearer up in a Map, forward
 * `listings.get` to the SP-API with undici and wrap Amazon's answer. Environment: FLOOR_SPAPI (the
 * simulator) and FLOOR_TOKENS (a JSON file of [jobToken, { sellingPartnerId, accessToken,
 * marketplaceId }] pairs).
 */
interface Grant {
  sellingPartnerId: string;
  accessToken: string;
  marketplaceId: string;
}

const tokens = new Map<string, Grant>(JSON.parse(readFileSync(process.env.FLOOR_TOKENS as string, 'utf8')) as [string, Grant][]);
const amazon = new Pool(process.env.FLOOR_SPAPI as string, { connections: 32, pipelining: 1, keepAliveTimeout: 30_000 });

export interface FloorAnswer {
  status: number;
  text: string;
}

/** The answer to a call with this Authorization header and parsed body. */
export async function passThrough(authorization: string | undefined, body: { params?: { sku?: unknown } } | undefined): Promise<FloorAnswer> {
  const grant = tokens.get((authorization ?? '').slice(7));
  const sku = body?.params?.sku;
  if (!grant || typeof sku !== 'string') return { status: 401, text: '{"ok":false}' };
  const path =
    `/listings/2021-08-01/items/${encodeURIComponent(grant.sellingPartnerId)}/${encodeURIComponent(sku)}` +
    `?marketplaceIds=${grant.marketplaceId}&includedData=summaries,attributes,issues,offers,fulfillmentAvailability`;
  try {
    const answer = await amazon.request({ method: 'GET', path, headers: { 'x-amz-access-token': grant.accessToken, accept: 'application/json' } });
    const text = await answer.body.text();
    return { status: answer.statusCode, text: `{"ok":${answer.statusCode === 200},"data":${text || 'null'}}` };
  } catch {
    return { status: 502, text: '{"ok":false}' };
  }
}

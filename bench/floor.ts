import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { Pool } from 'undici';

/**
 * The floor of bench/hot-path: the least a pass-through must do for `listings.get` — parse the JSON
 * body, look the bearer up in a Map, forward to the SP-API with undici and hand the answer back.
 * Run as its own process: FLOOR_PORT, FLOOR_SPAPI (the simulator) and FLOOR_TOKENS (a JSON file of
 * [jobToken, { sellingPartnerId, accessToken, marketplaceId }] pairs).
 */
interface Grant {
  sellingPartnerId: string;
  accessToken: string;
  marketplaceId: string;
}

const tokens = new Map<string, Grant>(JSON.parse(readFileSync(process.env.FLOOR_TOKENS as string, 'utf8')) as [string, Grant][]);
const amazon = new Pool(process.env.FLOOR_SPAPI as string, { connections: 32, pipelining: 1, keepAliveTimeout: 30_000 });

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    void (async () => {
      const grant = tokens.get((req.headers.authorization ?? '').slice(7));
      let body: { params?: { sku?: string } };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
      } catch {
        return reply(400, '{"ok":false}');
      }
      if (!grant || typeof body.params?.sku !== 'string') return reply(401, '{"ok":false}');
      const path =
        `/listings/2021-08-01/items/${encodeURIComponent(grant.sellingPartnerId)}/${encodeURIComponent(body.params.sku)}` +
        `?marketplaceIds=${grant.marketplaceId}&includedData=summaries,attributes,issues,offers,fulfillmentAvailability`;
      try {
        const answer = await amazon.request({ method: 'GET', path, headers: { 'x-amz-access-token': grant.accessToken, accept: 'application/json' } });
        const text = await answer.body.text();
        reply(answer.statusCode, `{"ok":${answer.statusCode === 200},"data":${text || 'null'}}`);
      } catch {
        reply(502, '{"ok":false}');
      }
    })();
  });
  function reply(status: number, text: string) {
    res.writeHead(status, { 'content-type': 'application/json' }).end(text);
  }
});
server.keepAliveTimeout = 30_000;
server.listen(Number(process.env.FLOOR_PORT), '127.0.0.1', () => process.stdout.write('floor ready\n'));
process.on('SIGTERM', () => process.exit(0));

import { createServer } from 'node:http';
import { passThrough } from './floor-passthrough.js';

/**
 * The floor of bench/hot-path: the least a pass-through must do for `listings.get` — parse the JSON
 * body, then floor-passthrough.ts (look the bearer up, forward with undici, hand the answer back) —
 * on node:http alone. Run as its own process: FLOOR_PORT, and floor-passthrough.ts's environment.
 */
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  const reply = (status: number, text: string) => res.writeHead(status, { 'content-type': 'application/json' }).end(text);
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    let body: { params?: { sku?: unknown } };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
    } catch {
      return reply(400, '{"ok":false}');
    }
    void passThrough(req.headers.authorization, body).then((answer) => reply(answer.status, answer.text));
  });
});
server.keepAliveTimeout = 30_000;
server.listen(Number(process.env.FLOOR_PORT), '127.0.0.1', () => process.stdout.write('floor ready\n'));
process.on('SIGTERM', () => process.exit(0));

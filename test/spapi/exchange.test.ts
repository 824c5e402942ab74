import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Pool } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { exchange, failedBeforeSending } from '../../src/spapi/http.js';

/**
 * exchange(): the SP-API client's one request through undici's dispatch API — the answer whole,
 * and one time limit over queueing, connecting, headers and body.
 */
class Timeout extends Error {}

const servers: Server[] = [];
const pools: Pool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.destroy()));
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function serve(handle: (req: IncomingMessage, res: ServerResponse) => void) {
  const sockets = new Set<Socket>();
  const closed = { count: 0 };
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    handle(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      closed.count += 1;
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  server.on('close', () => sockets.forEach((s) => s.destroy()));
  const pool = new Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { connections: 1 });
  pools.push(pool);
  return { pool, requests, closed };
}

const GET = { method: 'GET' as const, path: '/x?a=1', headers: { accept: 'application/json' } };

describe('exchange', () => {
  it('answers the status, lower-case headers (a repeated one joined) and the body read whole across chunks', async () => {
    const { pool } = await serve((req, res) => {
      res.writeHead(404, [['X-Amzn-RequestId', 'r-1'], ['Warning', 'a'], ['Warning', 'b'], ['Content-Type', 'application/json']]);
      res.write('{"errors":[{"code":"NotFound",');
      setTimeout(() => res.end(`"message":"${'é'.repeat(3)} ${req.url}"}]}`), 20);
    });
    const answer = await exchange(pool, GET, 1_000, () => new Timeout());
    expect(answer.status).toBe(404);
    expect(answer.headers['x-amzn-requestid']).toBe('r-1');
    expect(answer.headers.warning).toBe('a, b');
    expect(JSON.parse(answer.text)).toEqual({ errors: [{ code: 'NotFound', message: 'ééé /x?a=1' }] });
  });

  it('sends the method, headers and body as given', async () => {
    const { pool } = await serve((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => res.end(JSON.stringify({ method: req.method, type: req.headers['content-type'], body })));
    });
    const answer = await exchange(pool, { method: 'PATCH', path: '/p', headers: { 'content-type': 'application/json' }, body: '{"a":1}' }, 1_000, () => new Timeout());
    expect(JSON.parse(answer.text)).toEqual({ method: 'PATCH', type: 'application/json', body: '{"a":1}' });
  });

  it('times out a body that stops halfway, and aborts the connection', async () => {
    const { pool, closed } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
    });
    const started = performance.now();
    await expect(exchange(pool, GET, 300, () => new Timeout('too slow'))).rejects.toBeInstanceOf(Timeout);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(performance.now() - started).toBeLessThan(1_000);
    await expect.poll(() => closed.count).toBe(1);
  });

  it('times out a request still queued behind a stalled one, which is then never sent', async () => {
    const { pool, requests } = await serve(() => {}); // never answers
    const first = exchange(pool, { ...GET, path: '/first' }, 1_500, () => new Timeout('first'));
    const started = performance.now();
    await expect(exchange(pool, { ...GET, path: '/second' }, 150, () => new Timeout('second'))).rejects.toThrow('second');
    expect(performance.now() - started).toBeLessThan(1_200); // its own limit, not the first's
    await expect(first).rejects.toThrow('first');
    await new Promise((r) => setTimeout(r, 100));
    expect(requests).toEqual(['GET /first']);
  });

  it('rejects with the network error when nothing listens, recognisably never sent', async () => {
    const { pool } = await serve(() => {});
    await new Promise((r) => servers.splice(0).forEach((s) => s.close(r)));
    const error = await exchange(pool, GET, 1_000, () => new Timeout()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(failedBeforeSending(error)).toBe(true);
  });
});

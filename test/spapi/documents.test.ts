import { TextDecoder } from 'node:util';
import { charsetOf } from '../../src/capabilities/read-helpers/document-text.js';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Metrics } from '../../src/metrics.js';
import { DocumentTransfer } from '../../src/spapi/documents.js';
import type { AmazonApi } from '../../src/spapi/types.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { rejectionOf } from '../helpers/envelope.js';

describe('document download and upload', () => {
  let server: Server;
  let base: string;
  let t: TestApp;
  let api: AmazonApi;
  const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: Buffer }[] = [];
  let failures = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
        const path = req.url!.split('?')[0];
        switch (path) {
          case '/plain':
            return res.writeHead(200, { 'content-type': 'text/plain' }).end('hello report');
          case '/gzip':
            return res.writeHead(200).end(gzipSync(Buffer.from(JSON.stringify({ rows: [1, 2, 3] }))));
          case '/redirect':
            return res.writeHead(302, { location: `${base}/plain` }).end();
          case '/big':
            return res.writeHead(200, { 'content-length': '2048' }).end(Buffer.alloc(2048, 97));
          case '/chunked': {
            res.writeHead(200);
            for (let i = 0; i < 8; i += 1) res.write(Buffer.alloc(512, 98));
            return res.end();
          }
          case '/bomb':
            return res.writeHead(200).end(gzipSync(Buffer.alloc(1024 * 1024)));
          case '/flaky':
            failures += 1;
            return failures === 1 ? res.writeHead(503).end() : res.writeHead(200).end('second time');
          case '/latin1':
            return res.writeHead(200, { 'content-type': 'text/csv; charset=ISO-8859-1' }).end(Buffer.from([0x63, 0x61, 0x66, 0xe9]));
          case '/not-gzip':
            return res.writeHead(200).end('plain text, not gzip');
          case '/upload':
            return res.writeHead(200).end();
          case '/upload-fail':
            return res.writeHead(500).end('<Error>nope</Error>');
          default:
            return res.writeHead(404).end();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    t = await buildTestApp({ spapiEndpoints: { NA: base, EU: base, FE: base } });
    api = t.app.services.amazon.forSeller({ authorizationId: 'a', buyerId: 'b', sellingPartnerId: 'AS', region: 'NA' }, { accessToken: 'Atza|secret' });
  });
  afterAll(async () => {
    await t?.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('hands back the Content-Type, so the declared charset decodes the document', async () => {
    const document = await api.download(`${base}/latin1`);
    expect(document.contentType).toBe('text/csv; charset=ISO-8859-1');
    expect(new TextDecoder(charsetOf(document.contentType)).decode(document.body)).toBe('café');
  });

  it('downloads from a configured endpoint origin, sending no credentials', async () => {
    seen.length = 0;
    expect((await api.download(`${base}/plain?X-Amz-Signature=abc`)).body.toString()).toBe('hello report');
    expect(seen[0]!.url).toBe('/plain?X-Amz-Signature=abc');
    expect(seen[0]!.headers['x-amz-access-token']).toBeUndefined();
    expect(seen[0]!.headers.authorization).toBeUndefined();
  });

  it('gunzips GZIP documents', async () => {
    expect(JSON.parse((await api.download(`${base}/gzip`, { compression: 'GZIP' })).body.toString())).toEqual({ rows: [1, 2, 3] });
    expect((await rejectionOf(api.download(`${base}/not-gzip`, { compression: 'GZIP' }))).message).toMatch(/not valid GZIP/);
  });

  it('refuses non-https URLs outside the configured endpoints, and URLs with credentials', async () => {
    for (const url of ['http://example.com/report', 'ftp://example.com/x', 'http://127.0.0.1:1/x', 'not a url', 'https://user:pw@example.com/x']) {
      const error = await rejectionOf(api.download(url));
      expect(error.code, url).toBe('SP_API_ERROR');
    }
    expect((await rejectionOf(api.upload('http://example.com/up', 'text/plain', Buffer.from('x')))).code).toBe('SP_API_ERROR');
  });

  it('never follows a redirect', async () => {
    seen.length = 0;
    const error = await rejectionOf(api.download(`${base}/redirect`));
    expect(error.code).toBe('SP_API_ERROR');
    expect(error.message).toMatch(/redirect/);
    expect(seen.map((s) => s.url)).toEqual(['/redirect']);
  });

  it('caps the size: declared, streamed, and after gunzip', async () => {
    expect((await rejectionOf(api.download(`${base}/big`, { maxBytes: 1024 }))).message).toMatch(/larger than the 1024-byte size cap/);
    expect((await rejectionOf(api.download(`${base}/chunked`, { maxBytes: 1024 }))).message).toMatch(/size cap/);
    expect((await api.download(`${base}/chunked`, { maxBytes: 4096 })).body.length).toBe(4096);
    const bomb = await rejectionOf(api.download(`${base}/bomb`, { compression: 'GZIP', maxBytes: 64 * 1024 }));
    expect(bomb.message).toMatch(/size cap/);
  });

  it('retries a download after a 5xx', async () => {
    failures = 0;
    expect((await api.download(`${base}/flaky`)).body.toString()).toBe('second time');
  });

  it('uploads with exactly the given content type and never retries', async () => {
    seen.length = 0;
    await api.upload(`${base}/upload?X-Amz-Signature=s`, 'text/tab-separated-values; charset=UTF-8', Buffer.from('sku\tprice\n'));
    expect(seen[0]).toMatchObject({ method: 'PUT', url: '/upload?X-Amz-Signature=s' });
    expect(seen[0]!.headers['content-type']).toBe('text/tab-separated-values; charset=UTF-8');
    expect(seen[0]!.headers['x-amz-access-token']).toBeUndefined();
    expect(seen[0]!.body.toString()).toBe('sku\tprice\n');

    seen.length = 0;
    const error = await rejectionOf(api.upload(`${base}/upload-fail`, 'text/plain', Buffer.from('x')));
    expect(error.details?.status).toBe(500);
    expect(seen).toHaveLength(1);
  });

  it('accepts https URLs', () => {
    const transfer = new DocumentTransfer({ spapiEndpoints: { NA: base, EU: base, FE: base }, spapiTimeoutMs: 1000 }, new Metrics());
    expect(transfer.checkUrl('https://tortuga-prod-na.s3-external-1.amazonaws.com/doc?X-Amz-Signature=x').hostname).toMatch(/amazonaws/);
    return transfer.close();
  });
});

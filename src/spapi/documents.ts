import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Agent, request, type Dispatcher } from 'undici';
import type { Config } from '../config.js';
import { BrokerError } from '../errors.js';
import type { Metrics } from '../metrics.js';
import { REGIONS } from '../marketplaces/marketplaces.js';
import { USER_AGENT, backoffDelay, networkReason, sleep } from './http.js';
import type { DownloadedDocument } from './types.js';

/**
 * Report and feed documents live at pre-signed URLs Amazon returns (S3). They carry their own
 * query signature, so nothing of ours is sent to them: no access token, no SigV4. Only HTTPS URLs
 * (or a configured SPAPI_ENDPOINT_* origin — how tests and the simulator work), no redirects,
 * a size cap on both the wire bytes and the gunzipped bytes.
 */
export const DEFAULT_MAX_DOCUMENT_BYTES = 50 * 1024 * 1024;
const MAX_DOWNLOAD_ATTEMPTS = 3;

export class DocumentTransfer {
  readonly #agent: Agent;
  readonly #allowedOrigins: Set<string>;

  constructor(
    private readonly config: Pick<Config, 'spapiEndpoints' | 'spapiTimeoutMs'>,
    private readonly metrics: Metrics,
  ) {
    this.#agent = new Agent({ keepAliveTimeout: 10_000, connections: 16 });
    this.#allowedOrigins = new Set(REGIONS.map((region) => new URL(config.spapiEndpoints[region]).origin));
  }

  checkUrl(raw: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw documentError('Amazon returned a document URL that is not a valid URL');
    }
    if (url.protocol !== 'https:' && !this.#allowedOrigins.has(url.origin)) {
      throw documentError('refusing a document URL that is not https (nor a configured SP-API endpoint)');
    }
    if (url.username || url.password) throw documentError('refusing a document URL with credentials');
    return url;
  }

  async download(raw: string, options: { compression?: string | undefined; maxBytes?: number } = {}): Promise<DownloadedDocument> {
    const url = this.checkUrl(raw);
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
    const gzip = options.compression?.toUpperCase() === 'GZIP';
    for (let attempt = 1; ; attempt += 1) {
      const started = performance.now();
      let response: Dispatcher.ResponseData;
      try {
        response = await request(url, {
          method: 'GET',
          dispatcher: this.#agent,
          headers: { 'user-agent': USER_AGENT },
          headersTimeout: this.config.spapiTimeoutMs,
          bodyTimeout: this.config.spapiTimeoutMs,
        });
      } catch (error) {
        this.#observe('downloadDocument', 0, started);
        if (attempt < MAX_DOWNLOAD_ATTEMPTS && !isTimeout(error)) {
          await sleep(backoffDelay(attempt, 200));
          continue;
        }
        throw documentError(`document download failed (${networkReason(error)})`, { status: 0 }, true);
      }
      const status = response.statusCode;
      this.#observe('downloadDocument', status, started);
      if (status >= 300) {
        await response.body.dump().catch(() => {});
        if (status >= 300 && status < 400) throw documentError(`document download answered a redirect (${status}); redirects are not followed`, { status });
        if (status >= 500 && attempt < MAX_DOWNLOAD_ATTEMPTS) {
          await sleep(backoffDelay(attempt, 200));
          continue;
        }
        throw documentError(`document download failed with HTTP ${status}`, { status }, status >= 500);
      }
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) {
        response.body.on('error', () => {});
        response.body.destroy();
        throw documentError(`document is larger than the ${maxBytes}-byte size cap`, { status, max_bytes: maxBytes });
      }
      const contentType = response.headers['content-type'];
      return { body: await readCapped(response.body, gzip, maxBytes), contentType: typeof contentType === 'string' ? contentType : undefined };
    }
  }

  async upload(raw: string, contentType: string, body: Buffer): Promise<void> {
    const url = this.checkUrl(raw);
    const started = performance.now();
    let response: Dispatcher.ResponseData;
    try {
      // A write: never retried, it may have reached the store.
      response = await request(url, {
        method: 'PUT',
        dispatcher: this.#agent,
        headers: { 'content-type': contentType, 'user-agent': USER_AGENT },
        body,
        headersTimeout: this.config.spapiTimeoutMs,
        bodyTimeout: this.config.spapiTimeoutMs,
      });
    } catch (error) {
      this.#observe('uploadFeedDocument', 0, started);
      throw documentError(`document upload failed (${networkReason(error)})`, { status: 0 });
    }
    this.#observe('uploadFeedDocument', response.statusCode, started);
    const text = await response.body.text().catch(() => '');
    if (response.statusCode < 200 || response.statusCode >= 300) {
      throw documentError(`document upload failed with HTTP ${response.statusCode}`, {
        status: response.statusCode,
        ...(text ? { body: text.slice(0, 500) } : {}),
      });
    }
  }

  #observe(operation: string, status: number, started: number) {
    this.metrics.amazonCalls.observe({ operation, status: String(status) }, (performance.now() - started) / 1000);
  }

  async close() {
    await this.#agent.close();
  }
}

/** Reads a body stream to a Buffer, gunzipping on the way when asked; wire and gunzipped sizes both capped. */
async function readCapped(body: Readable, gzip: boolean, maxBytes: number): Promise<Buffer> {
  const tooLarge = () => documentError(`document is larger than the ${maxBytes}-byte size cap`, { max_bytes: maxBytes });
  const chunks: Buffer[] = [];
  let size = 0;
  const cap = async function* (source: AsyncIterable<Buffer>) {
    let wire = 0;
    for await (const chunk of source) {
      wire += chunk.length;
      if (wire > maxBytes) throw tooLarge();
      yield chunk;
    }
  };
  const sink = async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) {
      size += chunk.length;
      if (size > maxBytes) throw tooLarge();
      chunks.push(chunk);
    }
  };
  try {
    if (gzip) await pipeline(body, cap, createGunzip(), sink);
    else await pipeline(body, cap, sink);
    return Buffer.concat(chunks, size);
  } catch (error) {
    if (error instanceof BrokerError) throw error;
    if (String((error as { code?: unknown }).code ?? '').startsWith('Z_')) throw documentError('document is not valid GZIP data');
    throw documentError(`document download failed (${networkReason(error)})`, { status: 0 }, true);
  }
}

const isTimeout = (error: unknown) => /TIMEOUT/i.test(networkReason(error));

function documentError(message: string, details: Record<string, unknown> = {}, retryable = false) {
  return new BrokerError('SP_API_ERROR', message, { details: { status: 0, errors: [], ...details }, retryable });
}

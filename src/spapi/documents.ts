import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Agent, request, type Dispatcher } from 'undici';
import type { Config } from '../config.js';
import { BrokerError } from '../errors.js';
import type { Metrics } from '../metrics.js';
import { REGIONS } from '../marketplaces/marketplaces.js';
import { USER_AGENT, backoffDelay, networkReason, sleep } from './http.js';
import type { DocumentStream, DownloadedDocument } from './types.js';

/**
 * Report and feed documents live at pre-signed URLs Amazon returns (S3). They carry their own
 * query signature, so nothing of ours is sent to them: no access token, no SigV4. Only HTTPS URLs
 * (or a configured SPAPI_ENDPOINT_* origin — how tests and the simulator work), no redirects,
 * a size cap on both the wire bytes and the gunzipped bytes.
 *
 * `open` streams a document (gunzipped on the way) so readers never hold it: a week of Amazon's
 * search terms report is hundreds of MB to GB of JSON. `download` collects a small one into memory.
 */
export const DEFAULT_MAX_DOCUMENT_BYTES = 50 * 1024 * 1024;
/** Streamed documents are never held, so their cap only stops a runaway (or a gzip bomb) eventually. */
export const DEFAULT_MAX_STREAMED_BYTES = 8 * 1024 * 1024 * 1024;
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

  /** Opens a document for reading: its (gunzipped) bytes as they arrive, capped at `maxBytes` on the wire and gunzipped. */
  async open(raw: string, options: { compression?: string | undefined; maxBytes?: number } = {}): Promise<DocumentStream> {
    const url = this.checkUrl(raw);
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_STREAMED_BYTES;
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
      return { chunks: cappedChunks(response.body, gzip, maxBytes), contentType: typeof contentType === 'string' ? contentType : undefined };
    }
  }

  /** A small document read whole into memory (at most `maxBytes`, 50 MiB by default). */
  async download(raw: string, options: { compression?: string | undefined; maxBytes?: number } = {}): Promise<DownloadedDocument> {
    const { chunks, contentType } = await this.open(raw, { ...options, maxBytes: options.maxBytes ?? DEFAULT_MAX_DOCUMENT_BYTES });
    const parts: Buffer[] = [];
    let size = 0;
    for await (const chunk of chunks) {
      parts.push(chunk);
      size += chunk.length;
    }
    return { body: Buffer.concat(parts, size), contentType };
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

/**
 * A body's bytes as they arrive, gunzipped on the way when asked; wire and gunzipped sizes both
 * capped. Errors come out as SP_API_ERROR; a reader that stops early closes the download.
 */
async function* cappedChunks(body: Readable, gzip: boolean, maxBytes: number): AsyncGenerator<Buffer> {
  const tooLarge = () => documentError(`document is larger than the ${maxBytes}-byte size cap`, { max_bytes: maxBytes });
  let wire = 0;
  const capWire = async function* (source: AsyncIterable<Buffer>) {
    for await (const chunk of source) {
      wire += chunk.length;
      if (wire > maxBytes) throw tooLarge();
      yield chunk;
    }
  };
  const out = new PassThrough();
  // Failures reach the reader through `out`, which pipeline destroys with the error.
  (gzip ? pipeline(body, capWire, createGunzip(), out) : pipeline(body, capWire, out)).catch(() => {});
  let size = 0;
  try {
    for await (const chunk of out as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) throw tooLarge();
      yield chunk;
    }
  } catch (error) {
    if (error instanceof BrokerError) throw error;
    if (String((error as { code?: unknown }).code ?? '').startsWith('Z_')) throw documentError('document is not valid GZIP data');
    throw documentError(`document download failed (${networkReason(error)})`, { status: 0 }, true);
  } finally {
    out.destroy();
  }
}

const isTimeout = (error: unknown) => /TIMEOUT/i.test(networkReason(error));

function documentError(message: string, details: Record<string, unknown> = {}, retryable = false) {
  return new BrokerError('SP_API_ERROR', message, { details: { status: 0, errors: [], ...details }, retryable });
}

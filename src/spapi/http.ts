import type { Dispatcher } from 'undici';

/** Small helpers shared by the SP-API client and the document transfers. */

export const USER_AGENT = 'SellerShortsBroker/0.1 (Language=TypeScript; Platform=Node.js)';

/** Only RFC 3986's unreserved characters: such a value is its own encoding (most ids, locales, names). */
const UNRESERVED = /^[A-Za-z0-9\-._~]*$/;

/** RFC 3986 encoding (what SigV4's canonical query uses): encodeURIComponent plus !'()*. */
export const encodeRfc3986 = (value: string) =>
  UNRESERVED.test(value) ? value : encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export type Query = Record<string, string | number | boolean | readonly string[] | undefined>;

/** Frozen queries, encoded once: a capability that asks the same thing on every call freezes its query. */
const encodedFrozen = new WeakMap<Query, string>();

export function buildQuery(query: Query | undefined): string {
  if (!query) return '';
  if (!Object.isFrozen(query)) return encodeQuery(query);
  let encoded = encodedFrozen.get(query);
  if (encoded === undefined) encodedFrozen.set(query, (encoded = encodeQuery(query)));
  return encoded;
}

function encodeQuery(query: Query): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    // Amazon's array parameters are `collectionFormat: csv`.
    const text = Array.isArray(value) ? value.join(',') : String(value);
    parts.push(`${encodeRfc3986(key)}=${encodeRfc3986(text)}`);
  }
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

/** A whole HTTP exchange: status, headers (lower-case names, repeats joined) and the body as text. */
export interface Exchange {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/**
 * One request through `dispatcher` with the answer read whole, rejecting with `timeout()`'s error
 * once `timeoutMs` has passed, whether it is still queued, connecting, waiting for headers or
 * reading the body (the request is then aborted). undici's dispatch API directly: `request()`
 * would add an AbortSignal, a body stream and a second header parse per call, a visible share of
 * the broker's CPU on the hot path; answers here are JSON that is parsed whole anyway.
 */
export function exchange(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions, timeoutMs: number, timeout: () => Error): Promise<Exchange> {
  return new Promise<Exchange>((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    let abortWith: Error | undefined;
    let status = 0;
    let headers: Record<string, string> = {};
    let chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      abortWith = timeout();
      reject(abortWith);
      controller?.abort(abortWith);
    }, timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(started) {
        controller = started;
        if (abortWith) started.abort(abortWith);
      },
      onResponseStart(_controller, statusCode, responseHeaders) {
        status = statusCode;
        headers = joinRepeated(responseHeaders);
        chunks = [];
      },
      onResponseData(_controller, chunk) {
        chunks.push(chunk);
      },
      onResponseEnd() {
        clearTimeout(timer);
        resolve({ status, headers, text: chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8') });
      },
      onResponseError(_controller, error) {
        fail(error);
      },
    };
    try {
      dispatcher.dispatch(options, handler);
    } catch (error) {
      fail(error as Error);
    }
  });
}

/** undici hands headers over with lower-case names, a repeated one as an array. */
function joinRepeated(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  for (const name in headers) {
    const value = headers[name];
    if (typeof value !== 'string') {
      if (value === undefined) delete headers[name];
      else headers[name] = value.join(', ');
    }
  }
  return headers as Record<string, string>;
}

export function parseJsonBody(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Amazon's `errors` array as given (docs/amazon.md#errors-and-headers), or [] when the body has none. */
export function amazonErrors(body: unknown): unknown[] {
  if (body && typeof body === 'object' && Array.isArray((body as { errors?: unknown }).errors)) {
    return (body as { errors: unknown[] }).errors;
  }
  return [];
}

const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

/** True when the request certainly never left this process: safe to retry even a write. */
export function failedBeforeSending(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NOT_SENT_CODES.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

export function networkReason(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return error instanceof Error ? error.name : 'network_error';
}

export { setTimeout as sleep } from 'node:timers/promises';

/** Full-jitter exponential backoff: attempt 1 → up to base, 2 → up to 2·base, … */
export const backoffDelay = (attempt: number, baseMs: number) => Math.round(Math.random() * baseMs * 2 ** (attempt - 1));

import type { Dispatcher } from 'undici';

/** Small helpers shared by the SP-API client and the document transfers. */

export const USER_AGENT = 'SellerShortsBroker/0.1 (Language=TypeScript; Platform=Node.js)';

/** RFC 3986 encoding (what SigV4's canonical query uses): encodeURIComponent plus !'()*. */
export const encodeRfc3986 = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export function buildQuery(query: Record<string, string | number | boolean | readonly string[] | undefined> | undefined): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    // Amazon's array parameters are `collectionFormat: csv`.
    const text = Array.isArray(value) ? value.join(',') : String(value);
    parts.push(`${encodeRfc3986(key)}=${encodeRfc3986(text)}`);
  }
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

export function flattenHeaders(headers: Dispatcher.ResponseData['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

export function parseJsonBody(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Amazon's `errors` array as given (REFERENCE §1.9), or [] when the body has none. */
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

import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { expect } from 'vitest';
import { ERROR_CODES, ERROR_STATUS, type ErrorCode } from '../../src/errors.js';

/**
 * Building blocks of the property-based tests (issue 11): hostile requests — generated and mutated
 * bodies, headers, tokens, query strings, __proto__/constructor keys, deep nesting, binary garbage
 * and wrong content types — and the one property every answer must have.
 */
export interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
}

/** A path parameter: ids that exist, hostile strings, anything. */
export const pathSegment = (known: string[]) =>
  fc
    .oneof(
      fc.constantFrom(...known, '__proto__', 'constructor', 'prototype', '..', '%', '%00', ' ', 'a'.repeat(2_000)),
      fc.string({ maxLength: 80 }),
      fc.string({ unit: 'binary', maxLength: 40 }),
    )
    .map((value) => {
      try {
        return encodeURIComponent(value) || 'x';
      } catch {
        return 'x'; // lone surrogates cannot be percent-encoded
      }
    });

const QUERY_KEYS = ['order_id', 'buyer_id', 'token_id', 'state', 'limit', 'cursor', 'since', 'until', 'capability', 'outcome', 'spapi_oauth_code', 'selling_partner_id', 'region', 'marketplace_id', '__proto__', 'constructor', 'constructor[prototype][polluted]', '__proto__[polluted]'];

export const queryString = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY_KEYS), fc.string({ maxLength: 20 })), fc.oneof(fc.string({ maxLength: 60 }), fc.integer().map(String), fc.constant(''))), { maxLength: 6 })
  .map((pairs) => {
    const search = new URLSearchParams();
    for (const [key, value] of pairs) search.append(key, value);
    const text = search.toString();
    return text ? `?${text}` : '';
  });

/** A random well-formed job token: the shape the broker accepts, a secret nobody minted. */
export const randomJobToken = () => `sst_${randomBytes(32).toString('base64url')}`;

export const authorization = (valid: string[]) =>
  fc.oneof(
    fc.constantFrom(...valid.map((v) => `Bearer ${v}`)),
    fc.constant(undefined),
    fc.constant('').map(() => `Bearer ${randomJobToken()}`),
    fc.string({ maxLength: 100 }).map((s) => `Bearer ${s}`),
    fc.string({ maxLength: 100 }),
    fc.constantFrom('Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', `bearer   ${valid[0] ?? ''}   `, `Bearer ${valid[0] ?? ''} extra`),
  );

const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', 'application/json; charset=latin1', 'application/jsonx', 'text/html', '*/*'];
export const contentType = fc.oneof(fc.constantFrom(...CONTENT_TYPES), fc.string({ maxLength: 40 }));

/** Nested arrays or objects, `depth` levels deep, as JSON text (the parser's and validator's worst case). */
export const deeplyNested = fc.tuple(fc.integer({ min: 50, max: 20_000 }), fc.boolean()).map(([depth, objects]) =>
  objects ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}${']'.repeat(depth)}`,
);

/** JSON text with prototype keys at several depths (JSON.stringify would drop a real __proto__). */
export const prototypeKeys = fc.constantFrom(
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '{"capability":"connect.status","provider":"amazon","params":{"__proto__":{"polluted":true}}}',
  '{"capability":"connect.status","provider":"amazon","params":{"constructor":{"prototype":{"polluted":true}}}}',
  '{"order_id":"o","buyer_id":"b","tool_id":"t","capabilities":["connect.status"],"__proto__":{"ttl_seconds":1}}',
  '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"connect_status","arguments":{"__proto__":{"polluted":true}}}}',
  '[{"__proto__":[]},{"constructor":null}]',
);

/** Any JSON value, or an object with the broker's own field names holding anything. */
export const jsonBody = (fieldNames: string[]) =>
  fc.oneof(
    fc.jsonValue({ maxDepth: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...fieldNames), fc.string({ maxLength: 10 })), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 8 }),
  );

export const binaryGarbage = fc.uint8Array({ minLength: 1, maxLength: 2_000 }).map((bytes) => Buffer.from(bytes));

/** The property of every answer: never a 5xx of the broker's own; an error is the contract's envelope with a code that fits the status. */
export function expectWellFormedAnswer(request: FuzzRequest, response: { statusCode: number; body: string; headers: Record<string, unknown> }) {
  const context = `${request.method} ${request.url.slice(0, 200)} ${JSON.stringify(request.headers).slice(0, 200)} → ${response.statusCode} ${response.body.slice(0, 300)}`;
  if (response.statusCode < 400) return;
  const body = JSON.parse(response.body) as { ok?: boolean; error?: { code?: string; message?: string; details?: { status?: number } }; jsonrpc?: string };
  // The one 5xx the contract gives a caller's input: Amazon itself answered 4xx to a well-formed call
  // (an unknown SKU or order id) — SP_API_ERROR 502 with Amazon's status. Anything else is a broker failure.
  const amazonRefused = response.statusCode === 502 && body.error?.code === 'SP_API_ERROR' && (body.error.details?.status ?? 0) >= 400 && (body.error.details?.status ?? 0) < 500;
  if (!amazonRefused) expect(response.statusCode, context).toBeLessThan(500);
  if (body.jsonrpc === '2.0') return; // MCP answers protocol errors in JSON-RPC
  expect(body.ok, context).toBe(false);
  expect(ERROR_CODES, context).toContain(body.error?.code);
  expect(typeof body.error?.message, context).toBe('string');
  const code = body.error?.code as ErrorCode;
  // INVALID_REQUEST is 400 by default; the contract gives it 404, 409, 413, 414, 415 and 422 where they say more.
  if (code === 'INVALID_REQUEST') expect([400, 404, 409, 413, 414, 415, 422], context).toContain(response.statusCode);
  else expect(response.statusCode, context).toBe(ERROR_STATUS[code]);
  if (response.statusCode === 401) expect(code, context).toBe('INVALID_TOKEN');
}

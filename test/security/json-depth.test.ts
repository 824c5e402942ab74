import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, refuseDeepJson, stringVolumeOver, walkJson } from '../../src/http/json-depth.js';
import { canonicalJson } from '../../src/idempotency/idempotency.js';
import { BrokerError } from '../../src/errors.js';
import { mintToken, randomSuffix } from '../helpers/app.js';
import { useTestApp } from '../helpers/harness.js';

/**
 * Caller JSON is never walked recursively, and params nested deeper than MAX_JSON_DEPTH levels are
 * INVALID_REQUEST naming the field (3,000-deep params overflowed a recursive walk: a 500, and with
 * an Idempotency-Key the fingerprint's walk too).
 */

/** `{"a":[[…[1]…]]}` as text: `levels` arrays and objects in all, the outer object included. */
const nestedText = (levels: number) => `{"a":${'['.repeat(levels - 1)}1${']'.repeat(levels - 1)}}`;
const nested = (levels: number) => JSON.parse(nestedText(levels)) as Record<string, unknown>;

describe('walkJson', () => {
  it(`takes ${MAX_JSON_DEPTH} levels and names the first one deeper`, () => {
    expect(walkJson(nested(MAX_JSON_DEPTH), 'params', () => false)).toBeUndefined();
    const deep = walkJson(nested(MAX_JSON_DEPTH + 1), 'params', () => false);
    expect(deep).toEqual({ field: `params.a${'.0'.repeat(MAX_JSON_DEPTH - 1)}`, tooDeep: true });
    expect(() => refuseDeepJson(nested(MAX_JSON_DEPTH + 1), 'params')).toThrow(BrokerError);
  });

  it('walks 200,000 levels and a million items without recursion', () => {
    const deep = JSON.parse(`${'['.repeat(200_000)}${']'.repeat(200_000)}`) as unknown;
    expect(walkJson(deep, 'params', () => false, Infinity)).toBeUndefined();
    expect(walkJson(deep, 'params', () => false)?.tooDeep).toBe(true);
    const wide = Array.from({ length: 1_000_000 }, (_, i) => i);
    expect(walkJson(wide, 'params', (node) => node === 999_999)).toEqual({ field: 'params.999999', tooDeep: false });
  });

  it('visits in document order and names keys as validation does, shortening huge ones', () => {
    const seen: string[] = [];
    walkJson({ b: [1, { c: 2 }], a: 'x' }, 'p', (node, key) => {
      seen.push(`${key ?? '-'}=${JSON.stringify(node)}`);
      return false;
    });
    expect(seen).toEqual(['-={"b":[1,{"c":2}],"a":"x"}', 'b=[1,{"c":2}]', '-=1', '-={"c":2}', 'c=2', 'a="x"']);
    const key = 'k'.repeat(5_000);
    expect(walkJson({ [key]: 'nul\u0000' }, 'params', (node) => typeof node === 'string' && node.includes('\u0000'))?.field).toBe(`params.${'k'.repeat(100)}…`);
  });

  it('adds up strings and keys until a limit', () => {
    expect(stringVolumeOver({ ab: 'cd', e: ['fgh'] }, 'p', 8)).toBeUndefined();
    expect(stringVolumeOver({ ab: 'cd', e: ['fgh'] }, 'p', 7)).toEqual({ field: 'p.e.0', tooDeep: false });
  });
});

describe('canonicalJson', () => {
  /** The recursive version it replaced: the fingerprints of stored keys must not change. */
  function recursive(value: unknown): string {
    if (Array.isArray(value)) return `[${value.map(recursive).join(',')}]`;
    if (value && typeof value === 'object') {
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${recursive(v)}`).join(',')}}`;
    }
    return JSON.stringify(value) ?? 'null';
  }

  it('writes what the recursive version wrote', () => {
    const values = fc.oneof(fc.jsonValue(), fc.object({ values: [fc.jsonValue(), fc.constant(undefined)] }), fc.array(fc.oneof(fc.jsonValue(), fc.constant(undefined))));
    fc.assert(
      fc.property(values, (value) => {
        expect(canonicalJson(value)).toBe(recursive(value));
      }),
      { numRuns: 2_000 },
    );
    expect(canonicalJson({ b: 1, a: [true, null, 'x', { d: undefined, c: 2 }] })).toBe('{"a":[true,null,"x",{"c":2}],"b":1}');
  });

  it('writes 100,000 levels without overflowing the stack', () => {
    const text = `${'{"a":['.repeat(50_000)}1${']}'.repeat(50_000)}`;
    expect(canonicalJson(JSON.parse(text))).toBe(text);
  });
});

describe('3,000-deep params at the doors', () => {
  const testApp = useTestApp();

  const body = (levels: number) => `{"capability":"listings.update","provider":"amazon","params":{"sku":"SS-MUG-001","deep":${nestedText(levels)}}}`;
  const deepField = `params.deep.a${'.0'.repeat(MAX_JSON_DEPTH - 2)}`;

  const post = (jobToken: string, payload: string, headers: Record<string, string> = {}) =>
    testApp.app.inject({ method: 'POST', url: '/api/capabilities', headers: { authorization: `Bearer ${jobToken}`, 'content-type': 'application/json', ...headers }, payload });

  it('REST: INVALID_REQUEST naming the field, not a 500', async () => {
    const { jobToken } = await mintToken(testApp, { capabilities: ['listings.update'] });
    const response = await post(jobToken, body(3_000));
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'INVALID_REQUEST', details: { field: deepField, rule: 'JSON_TOO_DEEP', limit: MAX_JSON_DEPTH } });
    expect(response.json().error.message).toMatch(/is nested deeper than 32 levels/);
  });

  it('REST with an Idempotency-Key: refused before the key is claimed', async () => {
    const orderId = `order-${randomSuffix()}`;
    const { jobToken } = await mintToken(testApp, { orderId, capabilities: ['listings.update'] });
    const key = `k-${randomSuffix()}`;
    const response = await post(jobToken, body(3_000), { 'idempotency-key': key });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().error.details).toMatchObject({ field: deepField, rule: 'JSON_TOO_DEEP' });
    const records = await testApp.app.services.db.selectFrom('idempotency_records').select('idempotency_key').where('order_id', '=', orderId).execute();
    expect(records).toEqual([]);
    // The key is still free: another body under it is not "a different request body" (422).
    const again = await post(jobToken, body(3), { 'idempotency-key': key });
    expect(again.statusCode, again.body).not.toBe(422);
    expect(again.json().error?.details?.rule).not.toBe('JSON_TOO_DEEP');
  });

  it('MCP tools/call: a tool error INVALID_REQUEST naming the field', async () => {
    const { jobToken } = await mintToken(testApp, { capabilities: ['listings.update'] });
    const payload = `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"listings_update","arguments":{"sku":"SS-MUG-001","deep":${nestedText(3_000)}}}}`;
    const response = await testApp.app.inject({
      method: 'POST',
      url: '/mcp',
      headers: { authorization: `Bearer ${jobToken}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      payload,
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().result).toMatchObject({ isError: true, structuredContent: { error: { code: 'INVALID_REQUEST', details: { field: deepField, rule: 'JSON_TOO_DEEP' } } } });
  });

  it(`takes params ${MAX_JSON_DEPTH} levels deep to the next check, and refuses ${MAX_JSON_DEPTH + 1}`, async () => {
    const { jobToken } = await mintToken(testApp, { capabilities: ['listings.update'] });
    // params and deep are 2 levels: body(n) has n + 1 in all.
    const deepest = await post(jobToken, body(MAX_JSON_DEPTH - 1));
    expect(deepest.statusCode, deepest.body).toBe(400);
    expect(deepest.json().error.details.rule).toBeUndefined();
    const over = await post(jobToken, body(MAX_JSON_DEPTH));
    expect(over.json().error.details).toMatchObject({ field: `params.deep.a${'.0'.repeat(MAX_JSON_DEPTH - 2)}`, rule: 'JSON_TOO_DEEP' });
  });
});

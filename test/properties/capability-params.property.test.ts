import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CAPABILITIES } from '../../src/capabilities/index.js';
import { callCapability, mintToken } from '../helpers/app.js';
import { connectBuyer } from '../helpers/buyers.js';
import { expectWellFormedAnswer } from '../helpers/fuzz.js';
import { useBroker } from '../helpers/harness.js';

/**
 * Issue 11: every capability's params schema under mutation, through both doors (REST and MCP),
 * with a valid job token and a connected buyer, so mutated calls that pass validation really reach
 * the (simulated) Amazon. Start from each capability's own working examples and break them one
 * field at a time: dropped, retyped, oversized, prototype keys, unknown fields. Never a 5xx.
 */
// Calibrated: mutated calls that pass validation reach the simulator (~20 ms each on 2 cores); FUZZ_RUNS raises it.
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

const examplesOf = (capability: (typeof CAPABILITIES)[number]) =>
  ((capability.params as unknown as { examples?: Record<string, unknown>[] }).examples ?? [{}]).map((example) => ({ name: capability.name, example }));

const hostileValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.constantFrom('', ' ', '0', '-1', '1e309', 'NaN', 'null', '../..', '%00', 'a'.repeat(5_000), '2026-13-45', '1970-01-01T00:00:00Z', 'ATVPDKIKX0DER'),
  fc.integer(),
  fc.double(),
  fc.constantFrom(null, true, [], {}, [[[]]], Number.MAX_SAFE_INTEGER, -0),
);

/** One mutation of an example's params. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(), value: hostileValue }),
  fc.record({ kind: fc.constant('add' as const), key: fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('__proto__', 'constructor', 'prototype')), value: hostileValue }),
  fc.record({ kind: fc.constant('nest' as const), pick: fc.nat(), value: hostileValue }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(params: Record<string, unknown>, mutations: Mutation[]): Record<string, unknown> {
  const result: Record<string, unknown> = JSON.parse(JSON.stringify(params));
  for (const m of mutations) {
    const keys = Object.keys(result);
    const key = 'pick' in m && keys.length > 0 ? keys[m.pick % keys.length]! : undefined;
    if (m.kind === 'drop' && key) delete result[key];
    if (m.kind === 'replace' && key) result[key] = m.value;
    if (m.kind === 'nest' && key) result[key] = [result[key], m.value];
    // defineProperty: a real own "__proto__" key, as JSON.parse would make it.
    if (m.kind === 'add') Object.defineProperty(result, m.key, { value: m.value, enumerable: true, configurable: true, writable: true });
  }
  return result;
}

describe('capability params under mutation, REST and MCP', () => {
  const t = useBroker({ simulator: { rateLimits: false } });
  let jobToken: string;

  beforeAll(async () => {
    const buyerId = await connectBuyer(t);
    ({ jobToken } = await mintToken(t, { buyerId, capabilities: CAPABILITIES.map((c) => c.name) }));
  });

  it(`${RUNS} mutated calls: never a 5xx, always the envelope`, async () => {
    const starts = CAPABILITIES.flatMap(examplesOf);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...starts), fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.boolean(), async (start, mutations, viaMcp) => {
        const params = mutate(start.example, mutations);
        if (!viaMcp) {
          const response = await callCapability(t.app, jobToken, start.name, params);
          expectWellFormedAnswer({ method: 'POST', url: '/api/capabilities', headers: {}, payload: JSON.stringify({ capability: start.name, params }) }, response);
          return;
        }
        const payload = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: start.name.replaceAll('.', '_'), arguments: params } });
        const response = await t.app.inject({ method: 'POST', url: '/mcp', headers: { authorization: `Bearer ${jobToken}`, 'content-type': 'application/json' }, payload });
        expectWellFormedAnswer({ method: 'POST', url: '/mcp', headers: {}, payload }, response);
        const result = response.json().result as { isError: boolean; structuredContent?: { error?: { code: string } } } | undefined;
        if (result?.isError) expect(result.structuredContent?.error?.code).not.toBe('INTERNAL_ERROR');
      }),
      { numRuns: RUNS },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  }, 120_000);

  it('every capability example still works afterwards', async () => {
    for (const { name, example } of CAPABILITIES.flatMap(examplesOf).filter((s) => s.name === 'connect.status' || s.name === 'listings.get')) {
      expect((await callCapability(t.app, jobToken, name, example)).statusCode).toBe(200);
    }
  });
});

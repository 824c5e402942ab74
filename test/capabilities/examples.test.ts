import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { Compile } from 'typebox/compile';
import { CAPABILITIES, CAPABILITY_NAMES } from '../../src/capabilities/index.js';
import { SANDBOX } from '../../src/capabilities/examples.js';
import { SEED } from '../../src/simulator/index.js';
import { connectCaller, useBroker, useCaller } from '../helpers/harness.js';
import { QUICK_REPORTS } from './helpers.js';

/** Every params example works as it is against the sandbox's seeded world: reads answer ok, writes stage. */
const h = useBroker(QUICK_REPORTS);
const everything = useCaller(h, CAPABILITY_NAMES);

describe('params examples', () => {
  it('are listed by GET /api/capabilities in each params_schema', async () => {
    const { jobToken } = await connectCaller(h, CAPABILITY_NAMES);
    const response = await h.testApp.app.inject({ url: '/api/capabilities', headers: { authorization: `Bearer ${jobToken}` } });
    const listed = response.json().data as { name: string; params_schema: { examples?: unknown[] } }[];
    expect(listed.map((c) => c.name)).toEqual(CAPABILITY_NAMES);
    for (const c of listed) expect(c.params_schema.examples?.length, c.name).toBeGreaterThan(0);
  });

  it('name the sandbox seller\'s seeded world', () => {
    const na = SEED.sellers.NA;
    expect(na.asinBySku[SANDBOX.sku]).toBe(SANDBOX.asin);
    expect(na.productTypeBySku[SANDBOX.sku]).toBe(SANDBOX.productType);
    expect(na.encodedSku).toBe(SANDBOX.encodedSku);
    expect(na.orders.eligible).toContain(SANDBOX.reviewableOrderId);
    expect(na.feedId).toBe(SANDBOX.feedId);
  });

  it('run through MCP too, and each structuredContent matches the tool\'s outputSchema', async () => {
    const { jobToken } = await connectCaller(h, CAPABILITY_NAMES);
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormatsModule.default(ajv);
    const list = await h.testApp.app.inject({ method: 'POST', url: '/mcp', headers: { authorization: `Bearer ${jobToken}` }, payload: { jsonrpc: '2.0', id: 0, method: 'tools/list' } });
    const tools = list.json().result.tools as { name: string; inputSchema: { examples: Record<string, unknown>[] }; outputSchema: object }[];
    expect(tools).toHaveLength(CAPABILITY_NAMES.length);
    for (const tool of tools) {
      const response = await h.testApp.app.inject({
        method: 'POST',
        url: '/mcp',
        headers: { authorization: `Bearer ${jobToken}` },
        payload: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: tool.name, arguments: tool.inputSchema.examples[0] } },
      });
      const result = response.json().result as { isError: boolean; structuredContent: unknown };
      expect(result.isError, `${tool.name}: ${JSON.stringify(result.structuredContent)}`).toBe(false);
      const validate = ajv.compile(tool.outputSchema);
      expect(validate(result.structuredContent), `${tool.name}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
  });

  for (const capability of CAPABILITIES) {
    const examples = (capability.params as { examples?: Record<string, unknown>[] }).examples ?? [];
    it(`${capability.name}: has examples, and each answers ok in the sandbox`, async () => {
      expect(examples.length).toBeGreaterThan(0);
      for (const example of examples) {
        const response = await everything.call(capability.name, structuredClone(example));
        const body = response.json();
        expect(response.statusCode, `${JSON.stringify(example)} → ${JSON.stringify(body)}`).toBe(200);
        if (capability.access === 'write') expect(body.data.status).toBe('PENDING_CONFIRMATION');
        else if (body.data.status !== undefined) expect(body.data.status).toBe('DONE');
        // The answer schema (OpenAPI, MCP outputSchema) describes what the example really answers.
        const answer = Compile(capability.answer);
        expect([...answer.Errors(body.data)].map((e) => `${e.instancePath} ${e.message}`), capability.name).toEqual([]);
      }
    });
  }
});

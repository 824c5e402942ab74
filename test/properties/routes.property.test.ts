import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX } from '../../src/capabilities/examples.js';
import { CAPABILITIES } from '../../src/capabilities/index.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { buildTestApp, callCapability, mintToken, randomSuffix, simulatorConfig, type TestApp } from '../helpers/app.js';
import { connectBuyer } from '../helpers/buyers.js';
import {
  authorization,
  binaryGarbage,
  contentType,
  deeplyNested,
  expectWellFormedAnswer,
  type FuzzRequest,
  jsonBody,
  pathSegment,
  prototypeKeys,
  queryString,
} from '../helpers/fuzz.js';

/**
 * Issue 11: property-based tests over every route the broker documents (read from its own OpenAPI
 * document, so a new route is covered without touching this file). Thousands of hostile requests:
 * never a 5xx, always an envelope whose code fits the status, no prototype pollution, and the
 * broker still serves afterwards.
 */
const FIELD_NAMES = [
  'capability', 'provider', 'params', 'order_id', 'buyer_id', 'tool_id', 'capabilities', 'auto_apply', 'ttl_seconds',
  'selling_partner_id', 'refresh_token', 'region', 'marketplace_id', 'return_to', 'jsonrpc', 'method', 'id', 'sku', 'patches',
];
// Calibrated to a few seconds on 2 cores (most requests end at a check); FUZZ_RUNS raises it.
const RUNS = Number(process.env.FUZZ_RUNS ?? 1_200);

describe('every route under hostile input', () => {
  let sim: RunningSimulator;
  let t: TestApp;
  let routes: { method: string; path: string }[];
  const known: string[] = [];
  const credentials: string[] = [];

  beforeAll(async () => {
    sim = await startSimulator({ rateLimits: false });
    t = await buildTestApp(simulatorConfig(sim));
    const buyerId = await connectBuyer(t);
    const orderId = `order-${randomSuffix()}`;
    const { jobToken, tokenId } = await mintToken(t, { buyerId, orderId, capabilities: CAPABILITIES.map((c) => c.name) });
    const staged = await callCapability(t.app, jobToken, 'listings.update', {
      sku: SANDBOX.sku,
      product_type: SANDBOX.productType,
      patches: [{ op: 'replace', path: '/attributes/item_name', value: [{ value: 'Fuzzed Mug' }] }],
    });
    known.push(buyerId, orderId, tokenId, staged.json().data.confirmation_id as string);
    credentials.push(t.config.internalApiKey, jobToken);
    const document = t.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    routes = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations)
        .filter((method) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map((method) => ({ method: method.toUpperCase(), path })),
    );
    expect(routes.length).toBeGreaterThanOrEqual(15);
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  // The fuzz run holds the seeded token's id and order id, so it may have revoked the one or deleted the
  // other: tests that need a token the broker accepts mint their own.
  const freshJobToken = async () => (await mintToken(t, { capabilities: CAPABILITIES.map((c) => c.name) })).jobToken;

  const request = () =>
    fc
      .record({
        route: fc.constantFrom(...routes),
        segments: fc.array(pathSegment(known), { minLength: 3, maxLength: 3 }),
        query: queryString,
        auth: authorization(credentials),
        type: fc.option(contentType, { nil: undefined }),
        idempotencyKey: fc.option(fc.string({ maxLength: 250 }), { nil: undefined }),
        requestId: fc.option(fc.string({ maxLength: 200 }), { nil: undefined }),
        body: fc.option(
          fc.oneof(
            { weight: 4, arbitrary: jsonBody(FIELD_NAMES).map((value) => JSON.stringify(value)) },
            { weight: 1, arbitrary: prototypeKeys },
            { weight: 1, arbitrary: deeplyNested },
            { weight: 1, arbitrary: binaryGarbage },
          ),
          { nil: undefined },
        ),
      })
      .map(({ route, segments, query, auth, type, idempotencyKey, requestId, body }): FuzzRequest => {
        let n = 0;
        const url = route.path.replace(/\{[^}]+\}/g, () => segments[n++] ?? 'x') + query;
        const headers: Record<string, string> = {};
        if (auth !== undefined) headers.authorization = auth;
        if (type !== undefined) headers['content-type'] = type;
        if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
        if (requestId !== undefined) headers['x-request-id'] = requestId;
        const hasBody = body !== undefined && route.method !== 'GET';
        return { method: route.method, url, headers, ...(hasBody ? { payload: body } : {}) };
      });

  it(`answers ${RUNS} generated requests without a 5xx, each with a well-formed answer`, async () => {
    await fc.assert(
      fc.asyncProperty(request(), async (generated) => {
        const response = await t.app.inject({ method: generated.method as 'GET', url: generated.url, headers: generated.headers, ...(generated.payload !== undefined ? { payload: generated.payload } : {}) });
        expectWellFormedAnswer(generated, response);
      }),
      { numRuns: RUNS },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(Object.prototype)).toEqual([]);
  }, 120_000);

  it('refuses a body over the limit with 413 on every route that takes one', async () => {
    const huge = Buffer.alloc(t.config.bodyLimitBytes + 1, 0x20);
    const jobToken = await freshJobToken();
    for (const route of routes.filter((r) => r.method !== 'GET')) {
      const url = route.path.replace(/\{[^}]+\}/g, 'x');
      // Credentials are checked before the body is read: send the right one for the route.
      const credential = route.path.startsWith('/internal/') ? t.config.internalApiKey : jobToken;
      const response = await t.app.inject({ method: route.method as 'POST', url, headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/json' }, payload: huge });
      expect(response.statusCode, `${route.method} ${url}`).toBe(413);
      expect(response.json().error.code).toBe('INVALID_REQUEST');
    }
  });

  it('with valid credentials: deep nesting, prototype keys, binary garbage and wrong content types get a 4xx envelope', async () => {
    const jobToken = await freshJobToken();
    const targets = [
      { url: '/api/capabilities', credential: () => jobToken },
      { url: '/mcp', credential: () => jobToken },
      { url: '/internal/job-tokens', credential: () => t.config.internalApiKey },
      { url: `/internal/buyers/${known[0]}/amazon/connections`, credential: () => t.config.internalApiKey },
    ];
    const bodies = fc.oneof(deeplyNested, prototypeKeys, binaryGarbage, fc.constant(`${'['.repeat(200_000)}${']'.repeat(200_000)}`));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...targets), bodies, fc.oneof(fc.constant('application/json'), contentType), async (target, payload, type) => {
        const generated: FuzzRequest = { method: 'POST', url: target.url, headers: { authorization: `Bearer ${target.credential()}`, 'content-type': type }, payload };
        const response = await t.app.inject({ method: 'POST', url: generated.url, headers: generated.headers, payload });
        expectWellFormedAnswer(generated, response);
      }),
      { numRuns: 150 },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  }, 120_000);

  it('still serves afterwards', async () => {
    expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/readyz' })).statusCode).toBe(200);
    const { jobToken } = await mintToken(t, { capabilities: ['connect.status'] });
    expect((await callCapability(t.app, jobToken, 'connect.status')).json().error.code).toBe('NO_CONNECTION');
  });
});

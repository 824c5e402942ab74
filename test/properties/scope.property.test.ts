import fc from 'fast-check';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAPABILITIES } from '../../src/capabilities/index.js';
import { SEED, startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { buildTestApp, internalHeaders, mintToken, randomSuffix, simulatorConfig, type TestApp } from '../helpers/app.js';
import { connectBuyer } from '../helpers/buyers.js';

/**
 * Scope as an attacker composes it: credentials × doors × capabilities. Whatever the door (REST,
 * MCP single, MCP batch, an Idempotency-Key replayed by another credential, the internal routes),
 * nothing is answered with data outside the token's grant, order and buyer, and no request holds
 * the event loop past the bound.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
/** A request that held the loop this long would stall every other caller of the instance. */
const EVENT_LOOP_BOUND_MS = 250;

const { NA, EU } = SEED.sellers;
/** Strings only the seller's own answers hold (a SKU would not do: a refusal may echo the one asked for). */
const MARKERS = { A: [NA.sellingPartnerId], B: [EU.sellingPartnerId] } as const;
type Buyer = keyof typeof MARKERS;

interface Credential {
  label: string;
  bearer: string | undefined;
  /** A live job token: whose, and what it may call. */
  live?: { buyer: Buyer; orderId: string; capabilities: readonly string[] };
  /** What its answers may mention; other buyers' markers never. */
  buyer?: Buyer;
}

const ALL = CAPABILITIES.map((c) => c.name);
const examples = new Map(CAPABILITIES.map((c) => [c.name, ((c.params as unknown as { examples?: Record<string, unknown>[] }).examples ?? [{}])[0] ?? {}]));

/** The sandbox examples name buyer A's SKU and marketplace; buyer B's calls name B's own. */
function paramsFor(capability: string, buyer: Buyer | undefined): Record<string, unknown> {
  const example = JSON.stringify(examples.get(capability) ?? {});
  if (buyer !== 'B') return JSON.parse(example) as Record<string, unknown>;
  return JSON.parse(example.replaceAll('SS-MUG-001', 'EU-MUG-001').replaceAll(SEED.marketplaces.US, EU.marketplaceIds[1]!)) as Record<string, unknown>;
}

describe('scope under composed attacks', () => {
  let sim: RunningSimulator;
  let t: TestApp;
  const credentials: Credential[] = [];
  const orders = { A: `order-a-${randomSuffix()}`, B: `order-b-${randomSuffix()}` };
  const buyers: Record<Buyer, string> = { A: '', B: '' };
  const loop = monitorEventLoopDelay({ resolution: 10 });

  beforeAll(async () => {
    sim = await startSimulator({ rateLimits: false, reportTimings: { inQueueMs: 5, inProgressMs: 10 } });
    t = await buildTestApp(simulatorConfig(sim));
    buyers.A = await connectBuyer(t, NA);
    buyers.B = await connectBuyer(t, { ...EU, region: 'EU' });
    const live = async (label: string, buyer: Buyer, capabilities: readonly string[], orderId = orders[buyer]) => {
      const { jobToken } = await mintToken(t, { buyerId: buyers[buyer], orderId, capabilities: [...capabilities] });
      credentials.push({ label, bearer: jobToken, live: { buyer, orderId, capabilities }, buyer });
      return jobToken;
    };
    await live('A: every capability', 'A', ALL);
    await live('A: a few reads', 'A', ['connect.status', 'listings.get', 'orders.summary']);
    await live('A: one write', 'A', ['listings.update']);
    await live('B: every capability', 'B', ALL);
    await live('B: status and a write', 'B', ['connect.status', 'listings.update']);
    const revoked = await mintToken(t, { buyerId: buyers.A, orderId: orders.A, capabilities: ALL });
    await t.app.inject({ method: 'DELETE', url: `/internal/job-tokens/${revoked.tokenId}`, headers: internalHeaders(t.config) });
    credentials.push({ label: 'A: revoked', bearer: revoked.jobToken, buyer: 'A' });
    const deletedOrder = `order-gone-${randomSuffix()}`;
    const orphan = await mintToken(t, { buyerId: buyers.A, orderId: deletedOrder, capabilities: ALL });
    await t.app.inject({ method: 'DELETE', url: `/internal/orders/${deletedOrder}`, headers: internalHeaders(t.config) });
    credentials.push({ label: 'A: order deleted', bearer: orphan.jobToken, buyer: 'A' });
    credentials.push({ label: 'internal key', bearer: t.config.internalApiKey });
    credentials.push({ label: 'garbage', bearer: 'ssjt_not-a-token' });
    credentials.push({ label: 'none', bearer: undefined });
    loop.enable();
  });
  afterAll(async () => {
    loop.disable();
    await t?.close();
    await sim?.close();
  });

  const headersOf = (credential: Credential, extra: Record<string, string> = {}) => ({ ...(credential.bearer ? { authorization: `Bearer ${credential.bearer}` } : {}), ...extra });

  /** Never another buyer's data; data at all only for a live token granted the capability. */
  function expectInScope(credential: Credential, capability: string, body: string, answeredWithData: boolean, door: string) {
    const where = `${credential.label} → ${capability} via ${door}: ${body.slice(0, 300)}`;
    for (const buyer of Object.keys(MARKERS) as Buyer[]) {
      if (buyer === credential.buyer && credential.live) continue;
      for (const marker of MARKERS[buyer]) expect(body.includes(marker), where).toBe(false);
    }
    if (answeredWithData) expect(credential.live?.capabilities.includes(capability), where).toBe(true);
  }

  async function viaRest(credential: Credential, capability: string, params: Record<string, unknown>, key?: string) {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/capabilities',
      headers: headersOf(credential, key ? { 'idempotency-key': key } : {}),
      payload: { capability, provider: 'amazon', params },
    });
    expect(response.statusCode, response.body).not.toBe(500);
    const ok = response.statusCode === 200 && (response.json() as { ok: boolean }).ok;
    return { body: response.body, ok, replayed: response.headers['idempotent-replayed'] === 'true' };
  }

  async function viaMcp(credential: Credential, capabilities: string[], params: Record<string, unknown>[]) {
    const messages = capabilities.map((capability, i) => ({ jsonrpc: '2.0', id: i, method: 'tools/call', params: { name: capability.replaceAll('.', '_'), arguments: params[i] } }));
    const response = await t.app.inject({ method: 'POST', url: '/mcp', headers: headersOf(credential), payload: (messages.length === 1 ? messages[0] : messages) as Record<string, unknown> });
    expect(response.statusCode, response.body).not.toBe(500);
    if (response.statusCode !== 200) return capabilities.map(() => ({ body: response.body, ok: false }));
    const answers = (messages.length === 1 ? [response.json()] : response.json()) as { result?: { isError: boolean } }[];
    return answers.map((answer) => ({ body: JSON.stringify(answer), ok: answer.result?.isError === false }));
  }

  const credential = () => fc.integer({ min: 0, max: 9 });
  const capability = fc.constantFrom(...ALL);
  const door = fc.constantFrom('rest', 'mcp', 'mcp-batch', 'replay', 'internal');

  it(`${RUNS} composed calls: nothing outside the token's grant, order and buyer`, async () => {
    await fc.assert(
      fc.asyncProperty(credential(), credential(), door, capability, capability, fc.string({ minLength: 1, maxLength: 12 }), async (i, j, via, first, second, suffix) => {
        const who = credentials[i]!;
        const params = paramsFor(first, who.buyer);
        switch (via) {
          case 'rest': {
            const answer = await viaRest(who, first, params);
            expectInScope(who, first, answer.body, answer.ok, via);
            return;
          }
          case 'mcp':
          case 'mcp-batch': {
            const names = via === 'mcp' ? [first] : [first, second];
            const answers = await viaMcp(who, names, names.map((name) => paramsFor(name, who.buyer)));
            answers.forEach((answer, n) => expectInScope(who, names[n]!, answer.body, answer.ok, via));
            return;
          }
          case 'replay': {
            // One credential stores an answer under a key; another (maybe of the same order) sends the same body and key.
            const key = `k-${suffix}-${randomSuffix()}`;
            const original = await viaRest(who, first, params, key);
            expectInScope(who, first, original.body, original.ok, via);
            const thief = credentials[j]!;
            const replayed = await viaRest(thief, first, params, key);
            expectInScope(thief, first, replayed.body, replayed.ok, `${via} of ${who.label}'s key`);
            // A stored answer goes back only to its own order, and only past the grant.
            if (replayed.replayed) {
              expect(thief.live?.orderId).toBe(who.live?.orderId);
              expect(thief.live?.capabilities).toContain(first);
            }
            return;
          }
          case 'internal': {
            for (const url of [`/internal/audit?order_id=${orders.A}`, `/internal/buyers/${buyers.B}/amazon/connections`, `/internal/confirmations?order_id=${orders.B}`]) {
              const response = await t.app.inject({ method: 'GET', url, headers: headersOf(who) });
              expect(response.statusCode, `${who.label} GET ${url}`).toBe(who.label === 'internal key' ? 200 : 401);
            }
          }
        }
      }),
      { numRuns: RUNS },
    );
    expect(loop.max / 1e6, 'the event loop was held longer than the bound').toBeLessThan(EVENT_LOOP_BOUND_MS);
  }, 240_000);
});

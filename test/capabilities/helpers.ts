/** Shared set-up of the capability integration tests: a simulator, a real app, a connected buyer. */
import { expect } from 'vitest';
import { SEED, startSimulator, type RecordedRequest, type RunningSimulator } from '../../src/simulator/index.js';
import { buildTestApp, callCapability, internalHeaders, mintToken, randomSuffix, simulatorConfig, type TestApp } from '../helpers/app.js';

export { SEED };

export const REFRESH_TOKENS = { NA: 'Atzr|sandbox-na', EU: 'Atzr|sandbox-eu', FE: 'Atzr|sandbox-fe' } as const;
export const SELLER_IDS = { NA: SEED.sellers.NA.sellingPartnerId, EU: SEED.sellers.EU.sellingPartnerId, FE: SEED.sellers.FE.sellingPartnerId } as const;

export interface Harness {
  sim: RunningSimulator;
  testApp: TestApp;
  close(): Promise<void>;
}

export async function startHarness(reportTimings = { inQueueMs: 100, inProgressMs: 200 }): Promise<Harness> {
  const sim = await startSimulator({ reportTimings });
  const testApp = await buildTestApp(simulatorConfig(sim));
  return {
    sim,
    testApp,
    async close() {
      await testApp.close();
      await sim.close();
    },
  };
}

/** Imports the seeded seller of `region` for a new buyer, as SellerShorts would. */
export async function connectBuyer(h: Harness, region: keyof typeof REFRESH_TOKENS = 'NA', buyerId = `buyer-${randomSuffix()}`) {
  const response = await h.testApp.app.inject({
    method: 'POST',
    url: `/internal/buyers/${buyerId}/amazon/connections`,
    headers: internalHeaders(h.testApp.config),
    payload: { selling_partner_id: SELLER_IDS[region], refresh_token: REFRESH_TOKENS[region], region },
  });
  expect(response.statusCode, response.body).toBe(201);
  return buyerId;
}

/** A connected buyer and a token for `capabilities`; `call` invokes one through POST /api/capabilities. */
export async function caller(h: Harness, capabilities: string[], options: { region?: keyof typeof REFRESH_TOKENS; buyerId?: string; orderId?: string } = {}) {
  const buyerId = options.buyerId ?? (await connectBuyer(h, options.region ?? 'NA'));
  const { jobToken } = await mintToken(h.testApp, { buyerId, capabilities, ...(options.orderId ? { orderId: options.orderId } : {}) });
  return {
    buyerId,
    jobToken,
    call: (capability: string, params: Record<string, unknown> = {}) => callCapability(h.testApp.app, jobToken, capability, params),
  };
}

/**
 * What Amazon received for `operation` since `from` (an index into sim.stats.requests). Throttled
 * attempts (429) are left out: the broker's limiter and Amazon's bucket may drift by a token, and
 * a 429 retried is the limiter's business, not what these tests are about.
 */
export function received(sim: RunningSimulator, operation: string, from = 0): RecordedRequest[] {
  return sim.stats.requests.slice(from).filter((r) => r.operation === operation && r.status !== 429);
}

export const mark = (sim: RunningSimulator) => sim.stats.requests.length;

/** Expects an error envelope with `code`, and for INVALID_REQUEST the named field. */
export function expectError(response: { statusCode: number; json(): any }, code: string, field?: string) {
  const body = response.json();
  expect(body.ok, JSON.stringify(body)).toBe(false);
  expect(body.error.code, JSON.stringify(body)).toBe(code);
  if (field !== undefined) expect(body.error.details?.field, JSON.stringify(body)).toBe(field);
  return body.error as { code: string; message: string; details?: any; retry_after_s?: number };
}

export function expectOk(response: { statusCode: number; json(): any }) {
  const body = response.json();
  expect(response.statusCode, JSON.stringify(body)).toBe(200);
  expect(body.ok).toBe(true);
  return body.data;
}

/**
 * Talks to the simulator directly, as another application of the same seller would (to create
 * feeds or reports the broker then reads). Not through the broker.
 */
export async function directClient(sim: RunningSimulator, region: keyof typeof REFRESH_TOKENS = 'NA') {
  const lwa = await fetch(sim.lwaTokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: REFRESH_TOKENS[region], client_id: SEED.lwa.clientId, client_secret: SEED.lwa.clientSecret }),
  });
  const token = ((await lwa.json()) as { access_token: string }).access_token;
  const base = sim.endpoints[region];
  const send = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(base + path, {
      method,
      headers: { 'x-amz-access-token': token, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
  };
  return {
    get: (path: string) => send('GET', path),
    post: (path: string, body: unknown) => send('POST', path, body),
    /** createFeedDocument → PUT → createFeed; answers the feed id. */
    async submitFeed(feedType: string, content: string, contentType: string, marketplaceId: string): Promise<string> {
      const document = await send('POST', '/feeds/2021-06-30/documents', { contentType });
      const put = await fetch(document.body?.url, { method: 'PUT', headers: { 'content-type': contentType }, body: content });
      if (put.status !== 200) throw new Error(`feed upload failed: ${put.status}`);
      const feed = await send('POST', '/feeds/2021-06-30/feeds', { feedType, marketplaceIds: [marketplaceId], inputFeedDocumentId: document.body?.feedDocumentId });
      if (feed.status !== 202) throw new Error(`createFeed failed: ${feed.status} ${JSON.stringify(feed.body)}`);
      return feed.body?.feedId as string;
    },
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

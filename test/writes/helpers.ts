import { expect } from 'vitest';
import { SEED, type RecordedRequest } from '../../src/simulator/index.js';
import type { Config } from '../../src/config.js';
import type { ImageSourceOverrides } from '../../src/writes/image-fetch.js';
import { callCapability, internalHeaders, mintToken, randomSuffix } from '../helpers/app.js';
import { connectBuyer } from '../helpers/buyers.js';
import { setUpForAll, startBroker } from '../helpers/harness.js';
import { simulatorClient, type SimulatorClient } from '../helpers/simulator-client.js';

export { SEED };
export const NA = SEED.sellers.NA;
export const US = SEED.marketplaces.US;

/** The seeded listing most write tests change. */
export const MUG_SKU = 'SS-MUG-001';

/** A listings.update patch that replaces the title. */
export const titlePatch = (value: string) => [{ op: 'replace', path: '/attributes/item_name', value: [{ value }] }];

export const WRITE_CAPABILITIES = ['listings.update', 'listings.update_images', 'listings.upload_feed', 'listings.a_plus_generate', 'messaging.request_review'];

/** Operations that change Amazon's live state; everything else a stage may call reads or validates. */
const LIVE = new Set(['createFeed', 'createContentDocument', 'postContentDocumentAsinRelations', 'postContentDocumentApprovalSubmission', 'createProductReviewAndSellerFeedbackSolicitation', 'deleteListingsItem', 'uploadFeedDocument']);

export function isLiveWrite(r: RecordedRequest): boolean {
  if (r.operation === 'patchListingsItem') return r.query.mode !== 'VALIDATION_PREVIEW';
  return LIVE.has(r.operation);
}

export interface WriteEnvOptions {
  imageSources?: ImageSourceOverrides;
  config?: Partial<Config>;
  captureLogs?: boolean;
}

/** A listing as the seller reads it from Amazon (the parts the tests look at). */
export interface ListingState {
  attributes: Record<string, unknown[]>;
  summaries: { productType: string; itemName?: string }[];
}

/**
 * A simulator, the real app pointed at it, a buyer connected to the NA sandbox seller, and the
 * seller's own client of Amazon (to read its live state, bypassing the broker).
 */
export async function startWriteEnv(options: WriteEnvOptions = {}) {
  const { config, ...app } = options;
  // The simulator's per-seller buckets are off here: these tests burst many PATCHes, and the broker's
  // limiter paces to Amazon's bucket edge, so arrival jitter gives occasional 429s (test/quota covers
  // throttling). A 429 on a write is never retried, which would make these tests flaky, not wrong.
  const broker = await startBroker({ simulator: { rateLimits: false }, ...(config ? { config } : {}), app });
  const { sim, testApp } = broker;
  let buyerId: string;
  let seller: SimulatorClient;
  let mugProductType: string;
  const listing = async (sku: string) =>
    (await seller.get(`/listings/2021-08-01/items/${NA.sellingPartnerId}/${encodeURIComponent(sku)}?marketplaceIds=${US}&includedData=attributes,summaries`)).body as ListingState;
  try {
    buyerId = await connectBuyer(testApp);
    seller = await simulatorClient(sim);
    mugProductType = (await listing(MUG_SKU)).summaries[0]!.productType;
  } catch (error) {
    await broker.close();
    throw error;
  }
  const internal = (method: 'GET' | 'POST', url: string) => testApp.app.inject({ method, url, headers: internalHeaders(testApp.config) });
  const env = {
    sim,
    testApp,
    app: testApp.app,
    config: testApp.config,
    buyerId,
    seller,
    listing,
    /** Amazon's product type of the mug, as a listings.update of it names it. */
    mugProductType,
    async mint(options: { capabilities?: string[]; autoApply?: string[]; orderId?: string } = {}) {
      const orderId = options.orderId ?? `order-${randomSuffix()}`;
      const minted = await mintToken(testApp, {
        orderId,
        buyerId,
        capabilities: options.capabilities ?? WRITE_CAPABILITIES,
        ...(options.autoApply ? { autoApply: options.autoApply } : {}),
      });
      return { ...minted, orderId };
    },
    call: (jobToken: string, capability: string, params: Record<string, unknown>, headers: Record<string, string> = {}) =>
      callCapability(testApp.app, jobToken, capability, params, headers),
    apply: (id: string) => internal('POST', `/internal/confirmations/${id}/apply`),
    reject: (id: string) => internal('POST', `/internal/confirmations/${id}/reject`),
    async list(orderId: string) {
      const response = await internal('GET', `/internal/confirmations?order_id=${orderId}`);
      expect(response.statusCode).toBe(200);
      return (response.json() as { data: { confirmations: Record<string, unknown>[] } }).data.confirmations;
    },
    confirmationStatus: async (id: string) => (await testApp.app.services.db.selectFrom('confirmations').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status,
    /** What Amazon received from `mark` on (LWA token calls left out). */
    requestsSince(mark: number): RecordedRequest[] {
      return sim.stats.requests.slice(mark).filter((r) => r.operation !== 'lwaToken');
    },
    mark: () => sim.stats.requests.length,
    /** listings.update params that retitle the mug. */
    titleUpdate: (title: string) => ({ sku: MUG_SKU, product_type: mugProductType, patches: titlePatch(title) }),
    /** Stages a retitle of the mug (with a new token unless given one). */
    async stageTitle(title: string, jobToken?: string): Promise<StagedData> {
      const token = jobToken ?? (await env.mint()).jobToken;
      return stagedData(await env.call(token, 'listings.update', env.titleUpdate(title)));
    },
    close: () => broker.close(),
  };
  return env;
}

/** startWriteEnv in the enclosing describe's beforeAll, closed in its afterAll (see harness.ts setUpForAll). */
export const useWriteEnv = (options: WriteEnvOptions = {}): WriteEnv => setUpForAll(() => startWriteEnv(options), (env) => env.close());

export type WriteEnv = Awaited<ReturnType<typeof startWriteEnv>>;

export interface StagedData {
  status: string;
  confirmation_id: string;
  expires_at: string;
  confirm: { summary: string; diff_preview: { path: string; before: unknown; after: unknown }[] };
  validation: { issues: { code: string; message: string; severity: string }[] };
  result?: Record<string, unknown>;
}

export function stagedData(response: { statusCode: number; body: string; json(): unknown }): StagedData {
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { data: StagedData }).data;
}

export function expectStagedShape(data: StagedData) {
  expect(data.status).toBe('PENDING_CONFIRMATION');
  expect(data.confirmation_id).toMatch(/^cnf_/);
  expect(Date.parse(data.expires_at) - Date.now()).toBeGreaterThan(23 * 3600 * 1000);
  expect(typeof data.confirm.summary).toBe('string');
  expect(Array.isArray(data.confirm.diff_preview)).toBe(true);
  for (const entry of data.confirm.diff_preview) expect(Object.keys(entry).sort()).toEqual(['after', 'before', 'path']);
  for (const issue of data.validation.issues) expect(Object.keys(issue).sort()).toEqual(['code', 'message', 'severity']);
}

import { expect } from 'vitest';
import { startSimulator, SEED, type RecordedRequest } from '../../src/simulator/index.js';
import type { Config } from '../../src/config.js';
import type { ImageSourceOverrides } from '../../src/writes/image-fetch.js';
import { buildTestApp, callCapability, internalHeaders, mintToken, randomSuffix, simulatorConfig, type TestApp } from '../helpers/app.js';

export { SEED };
export const NA = SEED.sellers.NA;
export const US = SEED.marketplaces.US;

export const WRITE_CAPABILITIES = ['listings.update', 'listings.update_images', 'listings.upload_feed', 'listings.a_plus_generate', 'messaging.request_review'];

/** Operations that change Amazon's live state; everything else a stage may call reads or validates. */
const LIVE = new Set(['createFeed', 'createContentDocument', 'postContentDocumentAsinRelations', 'postContentDocumentApprovalSubmission', 'createProductReviewAndSellerFeedbackSolicitation', 'deleteListingsItem', 'uploadFeedDocument']);

export function isLiveWrite(r: RecordedRequest): boolean {
  if (r.operation === 'patchListingsItem') return r.query.mode !== 'VALIDATION_PREVIEW';
  return LIVE.has(r.operation);
}

/** A simulator, the real app pointed at it, and a buyer connected to the NA sandbox seller. */
export async function startWriteEnv(options: { imageSources?: ImageSourceOverrides; config?: Partial<Config>; captureLogs?: boolean } = {}) {
  // The simulator's per-seller buckets are off here: these tests burst many PATCHes, and the broker's
  // limiter paces to Amazon's bucket edge, so arrival jitter gives occasional 429s (test/quota covers
  // throttling). A 429 on a write is never retried, which would make these tests flaky, not wrong.
  const sim = await startSimulator({ rateLimits: false });
  const { config: configOverrides, ...buildOptions } = options;
  const testApp: TestApp = await buildTestApp({ ...simulatorConfig(sim), ...configOverrides }, buildOptions);
  const { app, config } = testApp;
  const buyerId = `buyer-${randomSuffix()}`;
  const connected = await app.inject({
    method: 'POST',
    url: `/internal/buyers/${buyerId}/amazon/connections`,
    headers: internalHeaders(config),
    payload: { selling_partner_id: NA.sellingPartnerId, refresh_token: NA.refreshToken, region: 'NA' },
  });
  if (connected.statusCode !== 201) throw new Error(`connect failed: ${connected.statusCode} ${connected.body}`);

  let accessToken: string | undefined;
  const env = {
    sim,
    testApp,
    app,
    config,
    buyerId,
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
      callCapability(app, jobToken, capability, params, headers),
    apply: (id: string) => app.inject({ method: 'POST', url: `/internal/confirmations/${id}/apply`, headers: internalHeaders(config) }),
    reject: (id: string) => app.inject({ method: 'POST', url: `/internal/confirmations/${id}/reject`, headers: internalHeaders(config) }),
    async list(orderId: string) {
      const response = await app.inject({ method: 'GET', url: `/internal/confirmations?order_id=${orderId}`, headers: internalHeaders(config) });
      expect(response.statusCode).toBe(200);
      return (response.json() as { data: { confirmations: Record<string, unknown>[] } }).data.confirmations;
    },
    /** What Amazon received from `mark` on (LWA token calls left out). */
    requestsSince(mark: number): RecordedRequest[] {
      return sim.stats.requests.slice(mark).filter((r) => r.operation !== 'lwaToken');
    },
    mark: () => sim.stats.requests.length,
    /** Reads Amazon's live state directly, as the seller, bypassing the broker. */
    async amazonGet<T = Record<string, unknown>>(path: string): Promise<T> {
      if (!accessToken) {
        const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: NA.refreshToken, client_id: SEED.lwa.clientId, client_secret: SEED.lwa.clientSecret });
        const token = await fetch(sim.lwaTokenUrl, { method: 'POST', body: form });
        accessToken = ((await token.json()) as { access_token: string }).access_token;
      }
      const response = await fetch(`${sim.baseUrl}${path}`, { headers: { 'x-amz-access-token': accessToken } });
      return (await response.json()) as T;
    },
    async listing(sku: string) {
      return env.amazonGet<{ attributes: Record<string, unknown[]>; summaries: { productType: string; itemName?: string }[] }>(
        `/listings/2021-08-01/items/${NA.sellingPartnerId}/${encodeURIComponent(sku)}?marketplaceIds=${US}&includedData=attributes,summaries`,
      );
    },
    async close() {
      await testApp.close();
      await sim.close();
    },
  };
  return env;
}

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

export function expectError(response: { statusCode: number; body: string; json(): unknown }, status: number, code: string): string {
  expect(response.statusCode, response.body).toBe(status);
  const body = response.json() as { ok: boolean; error: { code: string; message: string } };
  expect(body.ok).toBe(false);
  expect(body.error.code).toBe(code);
  return body.error.message;
}

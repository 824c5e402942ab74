import { AmazonRejection, type ApplyFinding, type Staged, type ValidationIssue } from '../capabilities/types.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import { BrokerError, isBrokerError } from '../errors.js';
import { encodePathSegment } from '../spapi/types.js';
import { fillDeleteSelectors } from './listing-deletes.js';
import { describeValues, diffPatches, type Attributes } from './listing-diff.js';
import { scopePatches, TOP_LEVEL_PATH, type PatchInput } from './listing-rules.js';
import { refuseErrors } from './violations.js';
import { amazonIssues, refuseAmazonErrors } from './amazon-validation.js';
import { countryOf, type WriteContext } from './write-context.js';
import { orNotFound } from '../capabilities/amazon-not-found.js';

/**
 * The two listings verbs share one sequence (Listings Items API 2021-08-01,
 * docs/amazon.md#listings-items):
 * stage = getListingsItem (attributes, summaries) for the "before", the patches applied locally for
 * the "after", and patchListingsItem with mode=VALIDATION_PREVIEW — Amazon's own validation, which
 * persists nothing. Apply = the same PATCH without the mode.
 */
export interface ListingPatchParams {
  sku: string;
  product_type: string;
  patches: PatchInput[];
  marketplace_id: string;
}

interface ListingSummary {
  marketplaceId?: string;
  asin?: string;
  productType?: string;
  itemName?: string;
}

interface ListingItem {
  sku: string;
  attributes?: Attributes;
  summaries?: ListingSummary[];
}

interface SubmissionResponse {
  sku?: string;
  status?: string;
  submissionId?: string;
  issues?: unknown[];
}

const itemPath = (ctx: WriteContext<unknown>, sku: string) =>
  `/listings/2021-08-01/items/${encodePathSegment(ctx.connection.sellingPartnerId)}/${encodePathSegment(sku)}`;

/** Amazon's current listing in the marketplace; an unknown SKU is INVALID_REQUEST on params.sku. */
export async function readListing(ctx: WriteContext<unknown>, sku: string) {
  const { body } = await orNotFound(
    () =>
      ctx.amazon.call<ListingItem>({
        operation: 'getListingsItem',
        method: 'GET',
        path: itemPath(ctx, sku),
        query: { marketplaceIds: ctx.marketplace.id, includedData: ['attributes', 'summaries'] },
      }),
    'params.sku',
    `${JSON.stringify(sku)} is not a listing of this seller in marketplace ${ctx.marketplace.id}`,
  );
  const summary = body.summaries?.find((s) => s.marketplaceId === ctx.marketplace.id) ?? body.summaries?.[0];
  return { attributes: body.attributes ?? {}, summary };
}

const PREVIEW_ATTEMPTS = 3;

async function patch(ctx: WriteContext<unknown>, params: ListingPatchParams, preview: boolean) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const { body } = await ctx.amazon.call<SubmissionResponse>({
        operation: 'patchListingsItem',
        method: 'PATCH',
        path: itemPath(ctx, params.sku),
        query: { marketplaceIds: params.marketplace_id, includedData: 'issues', ...(preview ? { mode: 'VALIDATION_PREVIEW' } : {}) },
        body: { productType: params.product_type, patches: params.patches },
      });
      return body;
    } catch (error) {
      // A validation preview persists nothing, so a throttled one may be asked again (the client
      // retries no PATCH by itself). The real PATCH is never repeated here.
      if (!preview || attempt >= PREVIEW_ATTEMPTS || !isBrokerError(error) || error.code !== 'RATE_LIMIT') throw error;
      await sleep(Math.min((error.retryAfterS ?? 1) * 1000, 2000) + Math.random() * 100);
    }
  }
}

export interface StageListingInput {
  sku: string;
  productType: string | undefined;
  patches: readonly PatchInput[];
  /** e.g. "Update" / "Replace images of" */
  verb: string;
  issues?: ValidationIssue[];
}

export async function stageListingPatch(ctx: WriteContext<unknown>, input: StageListingInput): Promise<Staged<ListingPatchParams>> {
  const { attributes, summary } = await readListing(ctx, input.sku);
  const issues: ValidationIssue[] = [...(input.issues ?? [])];
  const productType = input.productType ?? summary?.productType;
  if (!productType) {
    throw new BrokerError('INVALID_REQUEST', "params.product_type is required: Amazon's listing shows no product type for this marketplace", {
      details: { field: 'params.product_type' },
    });
  }
  if (input.productType && summary?.productType && input.productType !== summary.productType) {
    issues.push({
      code: 'PRODUCT_TYPE_MISMATCH',
      message: `params.product_type ${input.productType} differs from the listing's product type ${summary.productType} at Amazon`,
      severity: 'WARNING',
    });
  }
  const deletes = fillDeleteSelectors(input.patches, attributes, { marketplaceId: ctx.marketplace.id, languageTag: ctx.connection.languageTag }, 'params.patches');
  refuseErrors(deletes.violations);
  issues.push(...deletes.issues);
  const params: ListingPatchParams = {
    sku: input.sku,
    product_type: productType,
    patches: scopePatches(deletes.patches, ctx.marketplace.id, ctx.connection.languageTag),
    marketplace_id: ctx.marketplace.id,
  };
  const diffPreview = diffPatches(attributes, params.patches, ctx.marketplace.id);
  const preview = await patch(ctx, params, true);
  const previewIssues = preview.issues ?? [];
  refuseAmazonErrors('params.patches', "Amazon's validation preview refused the patch", previewIssues);
  if (preview.status === 'INVALID') {
    refuseAmazonErrors('params.patches', "Amazon's validation preview refused the patch", [
      { code: 'INVALID', message: 'the validation preview answered INVALID without naming an issue', severity: 'ERROR' },
    ]);
  }
  const amazon = amazonIssues(previewIssues, 'WARNING');
  const changes = diffPreview.map((d) => `${TOP_LEVEL_PATH.exec(d.path)?.[1] ?? d.path} ${describeValues(d.before)} → ${describeValues(d.after)}`);
  const title = summary?.itemName ? ` "${summary.itemName}"` : '';
  const asin = summary?.asin ? ` (ASIN ${summary.asin})` : '';
  return {
    summary: `${input.verb} listing ${input.sku}${asin}${title} in ${countryOf(ctx)}: ${changes.join('; ')}. Amazon's validation preview: ${preview.status ?? 'no status'}.`,
    diffPreview,
    issues: [...issues, ...amazon],
    applyParams: { ...params },
  };
}

/**
 * The PATCH itself. HTTP 200 is not success (docs/amazon.md#listings-items): status INVALID with
 * ERROR issues means Amazon refused the patch and changed nothing — an outcome of its own,
 * REJECTED_BY_AMAZON.
 */
export async function applyListingPatch(ctx: WriteContext<unknown>, params: ListingPatchParams) {
  const body = await patch(ctx, params, false);
  const result = { sku: body.sku ?? params.sku, status: body.status ?? 'UNKNOWN', submission_id: body.submissionId ?? null, issues: body.issues ?? [] };
  return body.status === 'INVALID' ? new AmazonRejection(result) : result;
}

/**
 * After an interrupted apply, the listing is read back: Amazon already shows every attribute the
 * patches set, so the PATCH landed (or the seller made the same change) and is not sent again;
 * otherwise it was not sent, and is sent once now.
 */
export async function listingPatchAlreadyApplied(ctx: WriteContext<ListingPatchParams>): Promise<ApplyFinding> {
  const { params } = ctx;
  const { attributes } = await readListing(ctx, params.sku);
  const unchanged = diffPatches(attributes, params.patches, params.marketplace_id).every((entry) => isDeepStrictEqual(entry.before, entry.after));
  return unchanged ? { found: { sku: params.sku, status: 'ACCEPTED', submission_id: null, issues: [] } } : 'not_sent';
}

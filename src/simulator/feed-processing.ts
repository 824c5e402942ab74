/**
 * Processing of feeds when they finish. JSON_LISTINGS_FEED messages are applied to the seller's
 * listings and produce a processing report per `listings-feed-processing-report-schema-v2.json`.
 * Legacy XML / flat-file listings feeds end FATAL (removed July 31, 2025; docs/amazon.md#feeds).
 */
import { gunzipSync } from 'node:zlib';
import { asinFor, generateListings, type Attributes, type ListingIssue, type ListingRecord } from './catalog-data.js';
import { renderListing } from './listing-view.js';
import { applyPatches, patchIssues, patchSchemaErrors, type PatchOperation } from './listings-patch.js';
import type { FeedRecord, SellerState } from './state.js';

export const LEGACY_LISTINGS_FEED_TYPES = [
  'POST_PRODUCT_DATA',
  'POST_INVENTORY_AVAILABILITY_DATA',
  'POST_PRODUCT_OVERRIDES_DATA',
  'POST_PRODUCT_PRICING_DATA',
  'POST_PRODUCT_IMAGE_DATA',
  'POST_PRODUCT_RELATIONSHIP_DATA',
  'POST_FLAT_FILE_INVLOADER_DATA',
  'POST_FLAT_FILE_BOOKLOADER_DATA',
  'POST_FLAT_FILE_CONVERGENCE_LISTINGS_DATA',
  'POST_FLAT_FILE_LISTINGS_DATA',
  'POST_FLAT_FILE_PRICEANDQUANTITYONLY_UPDATE_DATA',
  'POST_UIEE_BOOKLOADER_DATA',
];

export const JSON_LISTINGS_FEED = 'JSON_LISTINGS_FEED';

interface ReportIssue {
  messageId?: number;
  sku?: string;
  code?: string;
  severity: 'ERROR' | 'WARNING' | 'INFO';
  message: string;
  attributeName?: string;
}

export interface FeedResult {
  outcome: 'DONE' | 'FATAL';
  document?: { content: string; contentType: string };
}

export function decodeUpload(bytes: Buffer): string {
  return bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
}

const OPERATION_TYPES = ['UPDATE', 'PARTIAL_UPDATE', 'PATCH', 'DELETE'];

function fatalReport(feed: FeedRecord, sellerId: string, message: string): FeedResult {
  const report = {
    header: { sellerId, version: '2.0', feedId: feed.feedId },
    issues: [{ code: '100001', severity: 'ERROR', message }],
    summary: { errors: 1, warnings: 0, messagesProcessed: 0, messagesAccepted: 0, messagesInvalid: 0 },
  };
  return { outcome: 'FATAL', document: { content: JSON.stringify(report), contentType: 'application/json' } };
}

/** Replace patches equivalent to setting `attributes` (PARTIAL_UPDATE / UPDATE validation). */
const asPatches = (attributes: Attributes): PatchOperation[] =>
  Object.entries(attributes).map(([name, value]) => ({ op: 'replace', path: `/attributes/${name}`, value }));

function validAttributes(a: unknown): a is Attributes {
  return typeof a === 'object' && a !== null && !Array.isArray(a) && Object.values(a).every((v) => Array.isArray(v) && v.every((x) => typeof x === 'object' && x !== null));
}

export function processListingsFeed(feed: FeedRecord, seller: SellerState, contentType: string, bytes: Buffer): FeedResult {
  const sellerId = seller.spec.sellingPartnerId;
  if (!contentType.toLowerCase().includes('json')) return fatalReport(feed, sellerId, `JSON_LISTINGS_FEED documents must be uploaded as application/json, not ${contentType}.`);
  let doc: unknown;
  try {
    doc = JSON.parse(decodeUpload(bytes));
  } catch {
    return fatalReport(feed, sellerId, 'The feed document is not valid JSON.');
  }
  const root = doc as { header?: Record<string, unknown>; messages?: unknown };
  const header = root?.header;
  if (typeof header !== 'object' || header === null) return fatalReport(feed, sellerId, "The feed is missing the required 'header' object.");
  if (header.sellerId !== sellerId) return fatalReport(feed, sellerId, `The sellerId '${String(header.sellerId)}' in the header does not match the selling partner submitting the feed.`);
  if (header.version !== '2.0') return fatalReport(feed, sellerId, "The header 'version' must be \"2.0\".");
  if (!Array.isArray(root.messages) || root.messages.length < 1 || root.messages.length > 25_000) {
    return fatalReport(feed, sellerId, "'messages' must be an array of 1 to 25,000 messages.");
  }
  const report = header.report as { includedData?: string[]; apiVersion?: string } | undefined;
  const issues: ReportIssue[] = [];
  const seen = new Set<number>();
  const touched: string[] = [];
  let accepted = 0;
  let invalid = 0;
  const mps = feed.marketplaceIds;
  for (const raw of root.messages as Record<string, unknown>[]) {
    const m = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const messageId = Number.isInteger(m.messageId) && (m.messageId as number) >= 1 ? (m.messageId as number) : undefined;
    const sku = typeof m.sku === 'string' && m.sku.length > 0 ? m.sku : undefined;
    const local: ReportIssue[] = [];
    const err = (code: string, message: string, attributeName?: string) =>
      local.push({ ...(messageId ? { messageId } : {}), ...(sku ? { sku } : {}), code, severity: 'ERROR', message, ...(attributeName ? { attributeName } : {}) });
    const op = m.operationType as string;
    if (messageId === undefined) err('4000001', "'messageId' is required and must be an integer of at least 1.");
    else if (seen.has(messageId)) err('4000002', `messageId ${messageId} is not unique in the feed.`);
    if (messageId !== undefined) seen.add(messageId);
    if (!sku) err('4000001', "'sku' is required.");
    if (!OPERATION_TYPES.includes(op)) err('4000001', `'operationType' must be one of ${OPERATION_TYPES.join(', ')}.`);
    const listing = sku ? seller.listings.get(sku) : undefined;
    const productType = typeof m.productType === 'string' ? m.productType : undefined;
    let apply: (() => void) | undefined;
    if (local.length === 0) {
      if (op !== 'DELETE' && !productType) err('4000001', `'productType' is required for ${op}.`);
      if (op === 'DELETE' && (m.productType !== undefined || m.attributes !== undefined || m.patches !== undefined || m.requirements !== undefined)) {
        err('4000001', 'DELETE messages must not include productType, requirements, attributes or patches.');
      }
      if ((op === 'UPDATE' || op === 'PARTIAL_UPDATE') && !validAttributes(m.attributes)) err('4000001', `'attributes' is required for ${op}.`);
      if ((op === 'UPDATE' || op === 'PARTIAL_UPDATE') && m.patches !== undefined) err('4000001', `'patches' is not allowed for ${op}.`);
      if (op === 'PARTIAL_UPDATE' && m.requirements !== undefined) err('4000001', "'requirements' is not allowed for PARTIAL_UPDATE.");
      if (op === 'PATCH') {
        const e = patchSchemaErrors(m.patches);
        if (e.length > 0) err('4000001', e.join(' '));
        if (m.attributes !== undefined || m.requirements !== undefined) err('4000001', "'attributes' and 'requirements' are not allowed for PATCH.");
      }
      if (op !== 'UPDATE' && !listing && local.length === 0) err('4000009', `The SKU '${sku}' was not found for this selling partner.`);
    }
    if (local.length === 0 && sku) {
      const patches = op === 'PATCH' ? (m.patches as PatchOperation[]) : op === 'DELETE' ? [] : asPatches(m.attributes as Attributes);
      const found: ListingIssue[] = op === 'DELETE' ? [] : patchIssues(productType as string, op === 'UPDATE' ? undefined : listing?.productType, patches, mps);
      for (const i of found) {
        local.push({ ...(messageId ? { messageId } : {}), sku, code: i.code, severity: i.severity, message: i.message, ...(i.attributeNames[0] ? { attributeName: i.attributeNames[0] } : {}) });
      }
      if (!found.some((i) => i.severity === 'ERROR')) {
        apply = () => {
          const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
          if (op === 'DELETE') seller.listings.delete(sku);
          else if (op === 'UPDATE' && !listing) seller.listings.set(sku, newListing(seller, sku, productType as string, m.attributes as Attributes, mps, now));
          else if (listing) {
            listing.attributes = op === 'UPDATE' ? structuredClone(m.attributes as Attributes) : applyPatches(listing.attributes, patches, mps);
            listing.lastUpdatedDate = now;
          }
        };
      }
    }
    issues.push(...local);
    if (apply) {
      apply();
      accepted += 1;
      if (sku && !touched.includes(sku)) touched.push(sku);
    } else invalid += 1;
  }
  const out: Record<string, unknown> = {
    header: { sellerId, version: '2.0', feedId: feed.feedId, ...(report ? { report } : {}) },
    issues,
    summary: {
      errors: issues.filter((i) => i.severity === 'ERROR').length,
      warnings: issues.filter((i) => i.severity === 'WARNING').length,
      messagesProcessed: (root.messages as unknown[]).length,
      messagesAccepted: accepted,
      messagesInvalid: invalid,
    },
  };
  if (report?.includedData && report.includedData.length > 0) {
    const items = touched.flatMap((sku) => {
      const l = seller.listings.get(sku);
      return l ? [renderListing(l, mps, report.includedData as string[])] : [];
    });
    const itemIssues = touched.flatMap((sku) => seller.listings.get(sku)?.issues ?? []);
    (out.summary as Record<string, unknown>).itemSummary = {
      items: items.length,
      errors: itemIssues.filter((i) => i.severity === 'ERROR').length,
      warnings: itemIssues.filter((i) => i.severity === 'WARNING').length,
    };
    out.items = items;
  }
  return { outcome: 'DONE', document: { content: JSON.stringify(out), contentType: 'application/json' } };
}

function newListing(seller: SellerState, sku: string, productType: string, attributes: Attributes, mps: string[], now: string): ListingRecord {
  const template = [...seller.listings.values()][0] ?? [...generateListings(seller.spec)][0]!;
  const asin = asinFor(`${seller.spec.sellingPartnerId}:${sku}`);
  return {
    sku,
    asin,
    productType,
    conditionType: 'new_new',
    brand: template.brand,
    createdDate: now,
    lastUpdatedDate: now,
    attributes: structuredClone(attributes),
    issues: [],
    marketplaceIds: [...mps],
    catalog: { ...template.catalog, asin, marketplaceIds: [...mps], ownerSellerId: seller.spec.sellingPartnerId },
    salesWeight: 0.5,
  };
}

/**
 * A text feed declared without a charset is read as ISO-8859-1 (the historical default of text/*,
 * RFC 2616 §3.7.1); Amazon's feeds guide declares `charset=UTF-8` in every text example
 * (`text/xml; charset=UTF-8`, `text/tab-separated-values; charset=UTF-8`). UTF-8 bytes read as
 * ISO-8859-1 turn "Café" into "CafÃ©", which the report flags as a warning.
 */
function charsetWarning(contentType: string, bytes: Buffer | undefined): string | undefined {
  if (!bytes || /;\s*charset=/i.test(contentType) || !/^text\//i.test(contentType)) return undefined;
  if (!bytes.some((b) => b >= 0x80)) return undefined;
  return `The feed declared no charset (Content-Type '${contentType}'), so it was read as ISO-8859-1 and its non-ASCII characters may be garbled. Declare the encoding, e.g. '${contentType.split(';')[0]}; charset=UTF-8'.`;
}

/** Generic XML processing report of the other (non-listings) feed types. */
export function genericProcessingReport(feed: FeedRecord, sellerId: string, input?: { contentType: string; uploaded?: Buffer | undefined }): FeedResult {
  const warning = input ? charsetWarning(input.contentType, input.uploaded) : undefined;
  const result = warning
    ? `<Result><MessageID>1</MessageID><ResultCode>Warning</ResultCode><ResultMessageCode>5001</ResultMessageCode><ResultDescription>${warning.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</ResultDescription></Result>`
    : '';
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">
  <Header><DocumentVersion>1.02</DocumentVersion><MerchantIdentifier>${sellerId}</MerchantIdentifier></Header>
  <MessageType>ProcessingReport</MessageType>
  <Message><MessageID>1</MessageID><ProcessingReport><DocumentTransactionID>${feed.feedId}</DocumentTransactionID><StatusCode>Complete</StatusCode>
    <ProcessingSummary><MessagesProcessed>1</MessagesProcessed><MessagesSuccessful>1</MessagesSuccessful><MessagesWithError>0</MessagesWithError><MessagesWithWarning>${warning ? 1 : 0}</MessagesWithWarning></ProcessingSummary>${result}
  </ProcessingReport></Message>
</AmazonEnvelope>
`;
  return { outcome: 'DONE', document: { content: xml, contentType: 'text/xml' } };
}

/** Listings Items API 2021-08-01: searchListingsItems, getListingsItem, patchListingsItem, deleteListingsItem. */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ListingRecord } from '../catalog-data.js';
import { invalidInput, notFound } from '../errors.js';
import { LISTING_INCLUDED_DATA, renderListing, status } from '../listing-view.js';
import { applyPatches, patchIssues, patchSchemaErrors, type PatchOperation } from '../listings-patch.js';
import { csv, registerOperation, requireMarketplaceIds, type OpRequest } from '../operation.js';
import type { Host, Sim } from '../sim.js';

const MAX_RESULTS = 1000;

export function enumList(op: OpRequest, name: string, allowed: readonly string[], fallback?: string[]): string[] {
  const values = csv(op.query, name);
  if (!values) return fallback ?? [];
  for (const v of values) {
    if (!allowed.includes(v)) throw invalidInput(`Invalid value '${v}' for parameter ${name}.`, `Allowed values: ${allowed.join(', ')}.`);
  }
  return values;
}

export function enumOne(op: OpRequest, name: string, allowed: readonly string[], fallback?: string): string | undefined {
  const v = op.query[name];
  if (v === undefined) return fallback;
  if (!allowed.includes(v)) throw invalidInput(`Invalid value '${v}' for parameter ${name}.`, `Allowed values: ${allowed.join(', ')}.`);
  return v;
}

export function pageSize(op: OpRequest, max: number, fallback: number): number {
  const raw = op.query.pageSize;
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) throw invalidInput(`Invalid pageSize '${raw}'.`, `pageSize must be an integer between 1 and ${max}.`);
  return n;
}

/** Opaque page tokens bound to the query they came from. */
export function encodeToken(offset: number, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ o: offset, f: fingerprint })).toString('base64url');
}

export function decodeToken(token: string | undefined, fingerprint: string): number {
  if (token === undefined) return 0;
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown; f?: unknown };
    if (typeof t.o === 'number' && Number.isInteger(t.o) && t.o >= 0 && t.f === fingerprint) return t.o;
  } catch {
    // fall through
  }
  throw invalidInput('Invalid pageToken.', 'The pageToken is invalid or does not belong to this request.');
}

function dateParam(op: OpRequest, name: string): number | undefined {
  const v = op.query[name];
  if (v === undefined) return undefined;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw invalidInput(`Invalid ${name} '${v}'.`, `${name} must be an ISO 8601 date-time.`);
  return t;
}

function matchesIdentifier(l: ListingRecord, type: string, ids: string[]): boolean {
  switch (type) {
    case 'SKU':
      return ids.includes(l.sku);
    case 'ASIN':
      return ids.includes(l.asin);
    case 'FNSKU':
      return l.fnSku !== undefined && ids.includes(l.fnSku);
    case 'EAN':
    case 'GTIN':
      return ids.includes(l.catalog.ean);
    case 'UPC':
      return ids.includes(l.catalog.upc);
    default:
      return false;
  }
}

function search(op: OpRequest) {
  const mps = requireMarketplaceIds(op);
  const included = enumList(op, 'includedData', LISTING_INCLUDED_DATA, ['summaries']);
  const identifiers = csv(op.query, 'identifiers');
  const identifiersType = enumOne(op, 'identifiersType', ['ASIN', 'EAN', 'FNSKU', 'GTIN', 'ISBN', 'JAN', 'MINSAN', 'SKU', 'UPC']);
  if (identifiers && identifiers.length > 20) throw invalidInput('Too many identifiers.', 'identifiers accepts at most 20 values.');
  if (identifiers && !identifiersType) throw invalidInput('identifiersType is required when identifiers are provided.');
  if (identifiersType && !identifiers) throw invalidInput('identifiers are required when identifiersType is provided.');
  const exclusive = [identifiers ? 'identifiers' : '', op.query.variationParentSku !== undefined ? 'variationParentSku' : '', op.query.packageHierarchySku !== undefined ? 'packageHierarchySku' : ''].filter(Boolean);
  if (exclusive.length > 1) throw invalidInput(`${exclusive.join(' and ')} cannot be used together.`);
  const withStatus = enumList(op, 'withStatus', ['BUYABLE', 'DISCOVERABLE']);
  const withoutStatus = enumList(op, 'withoutStatus', ['BUYABLE', 'DISCOVERABLE']);
  const withIssueSeverity = enumList(op, 'withIssueSeverity', ['WARNING', 'ERROR']);
  const sortBy = enumOne(op, 'sortBy', ['sku', 'createdDate', 'lastUpdatedDate'], 'lastUpdatedDate') as string;
  const sortOrder = enumOne(op, 'sortOrder', ['ASC', 'DESC'], 'DESC');
  const size = pageSize(op, 20, 10);
  const range = {
    createdAfter: dateParam(op, 'createdAfter'),
    createdBefore: dateParam(op, 'createdBefore'),
    lastUpdatedAfter: dateParam(op, 'lastUpdatedAfter'),
    lastUpdatedBefore: dateParam(op, 'lastUpdatedBefore'),
  };
  let items = [...op.seller.listings.values()].filter((l) => l.marketplaceIds.some((m) => mps.includes(m)));
  if (identifiers && identifiersType) items = items.filter((l) => matchesIdentifier(l, identifiersType, identifiers));
  if (op.query.variationParentSku !== undefined || op.query.packageHierarchySku !== undefined) items = [];
  items = items.filter((l) => {
    const st = mps.flatMap((m) => status(l, m));
    if (withStatus.some((s) => !st.includes(s as 'BUYABLE'))) return false;
    if (withoutStatus.some((s) => st.includes(s as 'BUYABLE'))) return false;
    if (withIssueSeverity.length > 0 && !l.issues.some((i) => withIssueSeverity.includes(i.severity))) return false;
    const c = Date.parse(l.createdDate);
    const u = Date.parse(l.lastUpdatedDate);
    if (range.createdAfter !== undefined && c < range.createdAfter) return false;
    if (range.createdBefore !== undefined && c >= range.createdBefore) return false;
    if (range.lastUpdatedAfter !== undefined && u < range.lastUpdatedAfter) return false;
    if (range.lastUpdatedBefore !== undefined && u >= range.lastUpdatedBefore) return false;
    return true;
  });
  const key = (l: ListingRecord) => (sortBy === 'sku' ? l.sku : sortBy === 'createdDate' ? l.createdDate : l.lastUpdatedDate);
  items.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.sku < b.sku ? -1 : 1) * (sortOrder === 'ASC' ? 1 : -1));
  items = items.slice(0, MAX_RESULTS);
  const fingerprint = JSON.stringify([mps, identifiers, identifiersType, sortBy, sortOrder, withStatus, withoutStatus, withIssueSeverity, range]);
  const offset = decodeToken(op.query.pageToken, fingerprint);
  const page = items.slice(offset, offset + size);
  const pagination: Record<string, string> = {};
  if (offset + size < items.length) pagination.nextToken = encodeToken(offset + size, fingerprint);
  if (offset > 0) pagination.previousToken = encodeToken(Math.max(0, offset - size), fingerprint);
  return {
    numberOfResults: items.length,
    ...(Object.keys(pagination).length > 0 ? { pagination } : {}),
    items: page.map((l) => renderListing(l, mps, included)),
  };
}

function findListing(op: OpRequest, mps: string[]): ListingRecord {
  const sku = op.params.sku as string;
  const l = op.seller.listings.get(sku);
  if (!l || !l.marketplaceIds.some((m) => mps.includes(m))) {
    throw notFound(`SKU '${sku}' not found in marketplace ${mps.join(',')}.`, 'The requested listings item was not found.');
  }
  return l;
}

function patch(op: OpRequest) {
  const mps = requireMarketplaceIds(op);
  const included = enumList(op, 'includedData', ['identifiers', 'issues'], ['issues']);
  const mode = enumOne(op, 'mode', ['VALIDATION_PREVIEW']);
  if (included.includes('identifiers') && mode !== 'VALIDATION_PREVIEW') {
    throw invalidInput("includedData 'identifiers' is only supported with mode VALIDATION_PREVIEW.");
  }
  const body = op.json();
  if (typeof body.productType !== 'string' || body.productType.length === 0) {
    throw invalidInput("Missing or invalid request parameters: [productType].", "The request body requires 'productType' (string).");
  }
  const schemaErrors = patchSchemaErrors(body.patches);
  if (schemaErrors.length > 0) throw invalidInput('Missing or invalid request parameters: [patches].', schemaErrors.join(' '));
  const listing = findListing(op, mps);
  const patches = body.patches as PatchOperation[];
  const issues = patchIssues(body.productType, listing.productType, patches, mps);
  const valid = !issues.some((i) => i.severity === 'ERROR');
  const preview = mode === 'VALIDATION_PREVIEW';
  if (valid && !preview) {
    listing.attributes = applyPatches(listing.attributes, patches, mps);
    listing.lastUpdatedDate = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  const out: Record<string, unknown> = {
    sku: listing.sku,
    status: preview ? (valid ? 'VALID' : 'INVALID') : valid ? 'ACCEPTED' : 'INVALID',
    submissionId: randomBytes(16).toString('hex'),
  };
  if (included.includes('issues')) out.issues = issues;
  if (included.includes('identifiers')) out.identifiers = mps.map((m) => ({ marketplaceId: m, asin: listing.asin }));
  return out;
}

export function registerListings(app: FastifyInstance, sim: Sim, host: Host): void {
  registerOperation(app, sim, host, { method: 'GET', url: '/listings/2021-08-01/items/:sellerId', operationId: 'searchListingsItems' }, (op) => ({
    status: 200,
    body: search(op),
  }));
  registerOperation(app, sim, host, { method: 'GET', url: '/listings/2021-08-01/items/:sellerId/:sku', operationId: 'getListingsItem' }, (op) => {
    const mps = requireMarketplaceIds(op);
    const included = enumList(op, 'includedData', LISTING_INCLUDED_DATA, ['summaries']);
    return { status: 200, body: renderListing(findListing(op, mps), mps, included) };
  });
  registerOperation(app, sim, host, { method: 'PATCH', url: '/listings/2021-08-01/items/:sellerId/:sku', operationId: 'patchListingsItem' }, (op) => ({
    status: 200,
    body: patch(op),
  }));
  registerOperation(app, sim, host, { method: 'DELETE', url: '/listings/2021-08-01/items/:sellerId/:sku', operationId: 'deleteListingsItem' }, (op) => {
    const mps = requireMarketplaceIds(op, { max: 1 });
    const listing = findListing(op, mps);
    op.seller.listings.delete(listing.sku);
    return { status: 200, body: { sku: listing.sku, status: 'ACCEPTED', submissionId: randomBytes(16).toString('hex'), issues: [] } };
  });
}

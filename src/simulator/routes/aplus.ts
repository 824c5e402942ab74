/**
 * A+ Content API 2020-11-01: createContentDocument, getContentDocument,
 * validateContentDocumentAsinRelations, postContentDocumentAsinRelations,
 * postContentDocumentApprovalSubmission. Every operation takes one `marketplaceId` query parameter.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { contentDocumentErrors, documentTexts } from '../aplus-schema.js';
import { invalidInput, notFound } from '../errors.js';
import { unknownUploadDestinations } from './uploads.js';
import { checkMarketplaces, csv, registerOperation, type OpRequest } from '../operation.js';
import type { Host, Sim } from '../sim.js';
import type { AplusRecord } from '../state.js';
import { enumList } from './listings.js';

/** Words Amazon's A+ moderation rejects (pricing/promotion, docs/amazon.md#a-content). */
const BANNED = ['$', 'free shipping', 'buy now', 'add to cart', 'get yours now', 'on sale', 'discount', 'best seller', 'guarantee'];

function marketplaceId(op: OpRequest): string {
  const id = op.query.marketplaceId;
  if (!id) throw invalidInput('Missing required parameter: marketplaceId.');
  checkMarketplaces(op, [id]);
  return id;
}

function contentDocument(op: OpRequest): Record<string, unknown> {
  const body = op.json();
  const errors = contentDocumentErrors(body.contentDocument);
  if (body.contentDocument === undefined) throw invalidInput('Missing required field: contentDocument.', 'The request body requires contentDocument.');
  if (errors.length > 0) throw invalidInput('The content document is invalid.', errors.slice(0, 20).join(' '));
  // Images are ids the Uploads API issued to this seller, with the image uploaded (A+ use-case guide).
  const unknown = unknownUploadDestinations(op.sim, op.sellerId, uploadDestinationIds(body.contentDocument));
  if (unknown.length > 0) {
    throw invalidInput(
      `Invalid uploadDestinationId: ${unknown.slice(0, 5).join(', ')}.`,
      'Upload each image through createUploadDestinationForResource (resource aplus/2020-11-01/contentDocuments) and use the uploadDestinationId it issued.',
    );
  }
  return body.contentDocument as Record<string, unknown>;
}

/** Every ImageComponent.uploadDestinationId in a document. */
function uploadDestinationIds(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(uploadDestinationIds);
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([key, value]) => (key === 'uploadDestinationId' && typeof value === 'string' ? [value] : uploadDestinationIds(value)));
}

export function policyViolations(doc: unknown): string[] {
  const text = documentTexts(doc).join('\n').toLowerCase();
  return BANNED.filter((w) => text.includes(w));
}

function ownedAsins(op: OpRequest): Set<string> {
  return new Set([...op.seller.listings.values()].map((l) => l.asin));
}

function asinErrors(op: OpRequest, asins: string[]) {
  const owned = ownedAsins(op);
  return asins.flatMap((asin) => {
    if (owned.has(asin)) return [];
    const inCatalog = op.sim.state.catalog.has(asin);
    return [
      {
        code: inCatalog ? 'BRAND_NOT_ELIGIBLE' : 'CATALOG_NOT_FOUND',
        message: inCatalog ? `The ASIN ${asin} is not eligible for A+ content of this selling partner's brand.` : `The ASIN ${asin} was not found in the catalog.`,
        details: asin,
      },
    ];
  });
}

function findDocument(op: OpRequest, mp: string): AplusRecord {
  const key = op.params.contentReferenceKey as string;
  const rec = op.sim.state.aplus.get(key);
  if (!rec || rec.sellerId !== op.sellerId || rec.marketplaceId !== mp) {
    throw notFound(`Content document ${key} was not found.`, 'Check the contentReferenceKey and marketplaceId.');
  }
  return rec;
}

function status(op: OpRequest, rec: AplusRecord): AplusRecord['status'] {
  const { inQueueMs, inProgressMs } = op.sim.state.timings;
  if (rec.status === 'SUBMITTED' && Date.now() - rec.updatedAt >= inQueueMs + inProgressMs) {
    rec.status = policyViolations(rec.contentDocument).length > 0 ? 'REJECTED' : 'APPROVED';
  }
  return rec.status;
}

export function registerAplus(app: FastifyInstance, sim: Sim, host: Host): void {
  const def = (method: 'GET' | 'POST', url: string, operationId: string) => ({ method, url, operationId, aplus: true });

  registerOperation(app, sim, host, def('POST', '/aplus/2020-11-01/contentDocuments', 'createContentDocument'), (op) => {
    const mp = marketplaceId(op);
    const doc = contentDocument(op);
    const key = randomUUID();
    op.sim.state.aplus.set(key, { contentReferenceKey: key, sellerId: op.sellerId, marketplaceId: mp, contentDocument: structuredClone(doc), asins: [], status: 'DRAFT', updatedAt: Date.now() });
    return { status: 200, body: { warnings: [], contentReferenceKey: key } };
  });

  registerOperation(app, sim, host, def('GET', '/aplus/2020-11-01/contentDocuments/:contentReferenceKey', 'getContentDocument'), (op) => {
    const mp = marketplaceId(op);
    const included = enumList(op, 'includedDataSet', ['CONTENTS', 'METADATA']);
    if (included.length === 0) throw invalidInput('Missing required parameter: includedDataSet.');
    const rec = findDocument(op, mp);
    const record: Record<string, unknown> = { contentReferenceKey: rec.contentReferenceKey };
    if (included.includes('METADATA')) {
      record.contentMetadata = { name: String(rec.contentDocument.name), marketplaceId: mp, status: status(op, rec), badgeSet: ['STANDARD'], updateTime: new Date(rec.updatedAt).toISOString() };
    }
    if (included.includes('CONTENTS')) record.contentDocument = rec.contentDocument;
    return { status: 200, body: { warnings: [], contentRecord: record } };
  });

  registerOperation(app, sim, host, def('POST', '/aplus/2020-11-01/contentAsinValidations', 'validateContentDocumentAsinRelations'), (op) => {
    marketplaceId(op);
    const doc = contentDocument(op);
    const asins = csv(op.query, 'asinSet') ?? [];
    if (asins.some((a) => a.length < 10)) throw invalidInput('Invalid asinSet.', 'Every ASIN in asinSet must be at least 10 characters long.');
    const errors = asinErrors(op, asins);
    const banned = policyViolations(doc);
    if (banned.length > 0) {
      errors.push({ code: 'CONTENT_FAILED_VALIDATION', message: `These keywords violate our community guidelines: ${banned.join(', ')}.`, details: banned.join(', ') });
    }
    return { status: 200, body: { warnings: [], errors } };
  });

  registerOperation(app, sim, host, def('POST', '/aplus/2020-11-01/contentDocuments/:contentReferenceKey/asins', 'postContentDocumentAsinRelations'), (op) => {
    const mp = marketplaceId(op);
    const body = op.json();
    const asinSet = body.asinSet;
    if (!Array.isArray(asinSet) || asinSet.some((a) => typeof a !== 'string' || a.length < 10)) {
      throw invalidInput('Invalid asinSet.', 'asinSet must be an array of ASINs.');
    }
    const rec = findDocument(op, mp);
    const errors = asinErrors(op, asinSet as string[]);
    if (errors.length > 0) throw invalidInput(errors.map((e) => e.message).join(' '), (asinSet as string[]).filter((a) => errors.some((e) => e.details === a)).join(', '));
    rec.asins = [...new Set(asinSet as string[])];
    rec.updatedAt = Date.now();
    return { status: 200, body: { warnings: [] } };
  });

  registerOperation(
    app,
    sim,
    host,
    def('POST', '/aplus/2020-11-01/contentDocuments/:contentReferenceKey/approvalSubmissions', 'postContentDocumentApprovalSubmission'),
    (op) => {
      const mp = marketplaceId(op);
      const rec = findDocument(op, mp);
      rec.status = 'SUBMITTED';
      rec.updatedAt = Date.now();
      return { status: 200, body: { warnings: [] } };
    },
  );
}

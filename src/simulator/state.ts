/**
 * In-memory state shared by every host of one simulator: sellers and their data, LWA grants,
 * reports, feeds, documents and A+ content.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { generateCompetitorCatalog, generateListings, type CatalogFacts, type ListingRecord } from './catalog-data.js';
import { marketplace } from './marketplaces.js';
import { fixedSkus, seededFeed, seededOrders, type SellerSpec } from './seed.js';

export interface OrderRecord {
  amazonOrderId: string;
  marketplaceId: string;
  earliestDeliveryDate: number;
  latestDeliveryDate: number;
  solicitedAt?: number;
  /** getSolicitationActionsForOrder lists no action even while the order is eligible. */
  actionsUnlisted?: boolean;
}

/** An upload destination issued by createUploadDestinationForResource, and what was uploaded to it. */
export interface UploadDestinationRecord {
  id: string;
  sellerId: string;
  resource: string;
  marketplaceId: string;
  contentMD5: string;
  contentType: string;
  uploaded?: Buffer;
}

export interface SellerState {
  spec: SellerSpec;
  listings: Map<string, ListingRecord>;
  orders: Map<string, OrderRecord>;
}

export interface AccessTokenRecord {
  sellerId: string;
  refreshToken: string;
  expiresAt: number;
}

export interface AuthCodeRecord {
  sellerId: string;
  refreshToken: string;
  expiresAt: number;
  used: boolean;
}

export interface StoredDocument {
  id: string;
  sellerId: string;
  /** Bytes as stored (gzip when `compressed`). */
  content?: Buffer;
  /** Instead of `content`: the (gzip) bytes generated anew for each download (very large reports). */
  stream?: () => Readable;
  compressed: boolean;
  contentType: string;
}

export interface FeedDocumentRecord {
  id: string;
  sellerId: string;
  contentType: string;
  createdAt: number;
  uploaded?: Buffer;
  uploadedContentType?: string;
}

export type ProcessingStatus = 'IN_QUEUE' | 'IN_PROGRESS' | 'DONE' | 'CANCELLED' | 'FATAL';

export interface ReportRecord {
  reportId: string;
  sellerId: string;
  reportType: string;
  marketplaceIds: string[];
  dataStartTime: string;
  dataEndTime: string;
  reportOptions: Record<string, string>;
  createdAt: number;
  /** Outcome once processing ends. */
  outcome: 'DONE' | 'CANCELLED' | 'FATAL';
  fatalReason?: string;
  /** Calendar range (UTC midnights) of the data. */
  range: [number, number];
  reportDocumentId?: string;
  cancelled?: boolean;
}

export interface FeedRecord {
  feedId: string;
  sellerId: string;
  feedType: string;
  marketplaceIds: string[];
  inputFeedDocumentId: string;
  feedOptions?: Record<string, string>;
  createdAt: number;
  outcome?: 'DONE' | 'FATAL';
  resultFeedDocumentId?: string;
  cancelled?: boolean;
  processed: boolean;
}

export interface AplusRecord {
  contentReferenceKey: string;
  sellerId: string;
  marketplaceId: string;
  contentDocument: Record<string, unknown>;
  asins: string[];
  status: 'APPROVED' | 'DRAFT' | 'REJECTED' | 'SUBMITTED';
  updatedAt: number;
}

export interface Timings {
  inQueueMs: number;
  inProgressMs: number;
}

export class SimState {
  readonly sellers = new Map<string, SellerState>();
  readonly refreshTokens = new Map<string, { sellerId: string; revoked: boolean }>();
  readonly accessTokens = new Map<string, AccessTokenRecord>();
  readonly authCodes = new Map<string, AuthCodeRecord>();
  readonly reports = new Map<string, ReportRecord>();
  readonly documents = new Map<string, StoredDocument>();
  readonly feedDocuments = new Map<string, FeedDocumentRecord>();
  readonly uploadDestinations = new Map<string, UploadDestinationRecord>();
  readonly feeds = new Map<string, FeedRecord>();
  readonly aplus = new Map<string, AplusRecord>();
  readonly catalog = new Map<string, CatalogFacts>();
  readonly urlSecret = randomBytes(32);
  readonly startedAt = Date.now();
  private counter = 0;

  constructor(
    readonly clientId: string,
    readonly clientSecret: string,
    readonly accessTokenTtlSeconds: number,
    readonly timings: Timings,
    readonly documentUrlTtlSeconds: number,
  ) {
    for (const c of generateCompetitorCatalog()) this.catalog.set(c.asin, c);
  }

  addSeller(spec: SellerSpec): SellerState {
    for (const id of spec.marketplaceIds) {
      if (!marketplace(id)) throw new Error(`unknown marketplace ${id}`);
    }
    this.refreshTokens.set(spec.refreshToken, { sellerId: spec.sellingPartnerId, revoked: false });
    const existing = this.sellers.get(spec.sellingPartnerId);
    if (existing) {
      for (const m of spec.marketplaceIds) if (!existing.spec.marketplaceIds.includes(m)) existing.spec.marketplaceIds.push(m);
      return existing;
    }
    const listings = generateListings(spec, fixedSkus(spec.sellingPartnerId));
    const now = Date.now();
    const day = 86_400_000;
    const state: SellerState = {
      spec: { ...spec, marketplaceIds: [...spec.marketplaceIds] },
      listings: new Map(listings.map((l) => [l.sku, l])),
      orders: new Map(
        seededOrders(spec).map((o) => [
          o.amazonOrderId,
          {
            amazonOrderId: o.amazonOrderId,
            marketplaceId: o.marketplaceId,
            earliestDeliveryDate: now + o.earliestDeliveryOffsetDays * day,
            latestDeliveryDate: now + o.latestDeliveryOffsetDays * day,
            solicitedAt: o.kind === 'alreadySolicited' ? now - 3 * day : undefined,
            ...(o.kind === 'eligibleUnlisted' ? { actionsUnlisted: true } : {}),
          },
        ]),
      ),
    };
    this.sellers.set(spec.sellingPartnerId, state);
    for (const l of listings) this.catalog.set(l.asin, l.catalog);
    this.addSeededFeed(spec, now - day);
    return state;
  }

  /** Submitted a day before start, so it is DONE; its report is produced the first time it is read. */
  private addSeededFeed(spec: SellerSpec, createdAt: number): void {
    const seeded = seededFeed(spec);
    if (!seeded) return;
    const { feedId, inputFeedDocumentId, content } = seeded;
    this.feedDocuments.set(inputFeedDocumentId, {
      id: inputFeedDocumentId,
      sellerId: spec.sellingPartnerId,
      contentType: 'application/json',
      createdAt,
      uploaded: Buffer.from(content),
      uploadedContentType: 'application/json',
    });
    const marketplaceIds = spec.marketplaceIds.slice(0, 1);
    this.feeds.set(feedId, { feedId, sellerId: spec.sellingPartnerId, feedType: 'JSON_LISTINGS_FEED', marketplaceIds, inputFeedDocumentId, createdAt, processed: false });
  }

  nextId(prefix: string): string {
    this.counter += 1;
    return `${prefix}${Date.now().toString(36)}${this.counter.toString(36)}${randomBytes(3).toString('hex')}`.toUpperCase();
  }

  numericId(): string {
    this.counter += 1;
    return `${50000 + this.counter}${String(Date.now()).slice(-6)}`;
  }

  amzn1(kind: string): string {
    return `amzn1.${kind}.${randomUUID()}`;
  }

  /** Phase of a report/feed by elapsed time (IN_QUEUE → IN_PROGRESS → final). */
  phase(createdAt: number, now = Date.now()): 'IN_QUEUE' | 'IN_PROGRESS' | 'FINISHED' {
    const elapsed = now - createdAt;
    if (elapsed < this.timings.inQueueMs) return 'IN_QUEUE';
    if (elapsed < this.timings.inQueueMs + this.timings.inProgressMs) return 'IN_PROGRESS';
    return 'FINISHED';
  }

  /** Pre-signed-style document URL parameters, valid for `documentUrlTtlSeconds`. */
  signUrl(path: string, extra: Record<string, string> = {}, now = Date.now()): string {
    const expires = String(Math.floor(now / 1000) + this.documentUrlTtlSeconds);
    const params = new URLSearchParams({ ...extra, 'X-Amz-Algorithm': 'AWS4-HMAC-SHA256', 'X-Amz-Expires-At': expires });
    params.set('X-Amz-Signature', this.signature(path, params));
    return `${path}?${params.toString()}`;
  }

  signature(path: string, params: URLSearchParams): string {
    const copy = new URLSearchParams(params);
    copy.delete('X-Amz-Signature');
    copy.sort();
    return createHmac('sha256', this.urlSecret).update(`${path}?${copy.toString()}`).digest('hex');
  }

  /** 'ok' | 'expired' | 'invalid' for a signed document URL. */
  checkUrl(path: string, params: URLSearchParams, now = Date.now()): 'ok' | 'expired' | 'invalid' {
    const sig = params.get('X-Amz-Signature');
    if (!sig || sig !== this.signature(path, params)) return 'invalid';
    const expires = Number(params.get('X-Amz-Expires-At'));
    return now / 1000 > expires ? 'expired' : 'ok';
  }
}

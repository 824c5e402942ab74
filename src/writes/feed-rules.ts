import Type, { type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { checkAttributeValues, checkPatches } from './listing-rules.js';
import { checkDeleteSelectors } from './listing-deletes.js';
import { feedTypeRefusal } from './feed-types.js';
import { at, violation, type Violation } from './violations.js';

/**
 * Feed rules (docs/amazon.md#feeds). JSON_LISTINGS_FEED documents follow Amazon's listings feed schema v2
 * (amzn/selling-partner-api-models schemas/feeds/listings-feed-schema-v2.json), written here as
 * TypeBox schemas plus per-operation rules with readable messages; the broker is stricter than the
 * schema in one way: unknown fields are refused by name (a typo would otherwise be ignored).
 */
/** The broker's cap on one feed document (Amazon's own limits are larger; a bigger feed should be split). */
export const MAX_FEED_BYTES = 10 * 1024 * 1024;
export const MAX_FEED_MESSAGES = 25_000;
/** JSON_LISTINGS_FEED's content type, on createFeedDocument and on the upload alike (JSON is UTF-8 by definition, RFC 8259). */
export const FEED_CONTENT_TYPE = 'application/json' as const;

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const INCLUDED_DATA = ['summaries', 'attributes', 'issues', 'offers', 'fulfillmentAvailability', 'procurement', 'relationships', 'productTypes'] as const;
const OPERATION_TYPES = ['UPDATE', 'PARTIAL_UPDATE', 'PATCH', 'DELETE'] as const;
const strict = { additionalProperties: false } as const;

const AttributeValues = Type.Array(Type.Record(Type.String(), Type.Unknown()));
export const FeedPatch = Type.Object(
  { op: literals(['add', 'replace', 'merge', 'delete'] as const), path: Type.String({ minLength: 1 }), value: Type.Optional(AttributeValues) },
  strict,
);
export const FeedMessage = Type.Object(
  {
    messageId: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
    sku: Type.String({ minLength: 1 }),
    operationType: Type.Union([Type.Literal('UPDATE'), Type.Literal('PARTIAL_UPDATE'), Type.Literal('PATCH'), Type.Literal('DELETE')]),
    productType: Type.Optional(Type.String({ minLength: 1 })),
    requirements: Type.Optional(literals(['LISTING', 'LISTING_PRODUCT_ONLY', 'LISTING_OFFER_ONLY'] as const)),
    attributes: Type.Optional(Type.Record(Type.String(), AttributeValues, { minProperties: 1 })),
    patches: Type.Optional(Type.Array(FeedPatch, { minItems: 1 })),
  },
  strict,
);
export const FeedHeader = Type.Object(
  {
    sellerId: Type.String({ minLength: 1 }),
    version: Type.Literal('2.0'),
    issueLocale: Type.Optional(Type.String({ pattern: '^[a-z]{2,3}_[A-Z]{2}$' })),
    report: Type.Optional(Type.Object({ includedData: Type.Array(literals(INCLUDED_DATA), { minItems: 1 }), apiVersion: Type.Literal('2021-08-01') }, strict)),
  },
  strict,
);
export const ListingsFeed = Type.Object({ header: FeedHeader, messages: Type.Array(FeedMessage, { minItems: 1, maxItems: MAX_FEED_MESSAGES }) }, strict);
export type ListingsFeedDocument = Static<typeof ListingsFeed>;
export type FeedMessageDocument = Static<typeof FeedMessage>;

/** The document is validated as its root (header, message count), then message by message in slices. */
const rootValidator = Compile(Type.Object({ header: FeedHeader, messages: Type.Array(Type.Unknown(), { minItems: 1, maxItems: MAX_FEED_MESSAGES }) }, strict));
const messageValidator = Compile(FeedMessage);
type Validator = typeof rootValidator | typeof messageValidator;

/** What each operation needs and must not carry (the schema's oneOf, as messages). */
const OPERATION_FIELDS: Record<(typeof OPERATION_TYPES)[number], { required: string[]; forbidden: string[] }> = {
  UPDATE: { required: ['productType', 'attributes'], forbidden: ['patches'] },
  PARTIAL_UPDATE: { required: ['productType', 'attributes'], forbidden: ['requirements', 'patches'] },
  PATCH: { required: ['productType', 'patches'], forbidden: ['requirements', 'attributes'] },
  DELETE: { required: [], forbidden: ['productType', 'requirements', 'attributes', 'patches'] },
};

function schemaViolation(validator: Validator, value: unknown, base: string): Violation | undefined {
  if (validator.Check(value)) return undefined;
  const errors = [...validator.Errors(value)].filter((e) => e.keyword !== 'boolean' && e.keyword !== 'anyOf');
  const first = errors[0];
  if (!first) return violation('FEED_SCHEMA', base, 'does not match the listings feed schema v2');
  const path = [base, ...first.instancePath.split('/').filter(Boolean)].join('.');
  const extra = (first.params as { additionalProperties?: unknown }).additionalProperties;
  if (first.keyword === 'additionalProperties' && Array.isArray(extra)) {
    return violation('FEED_SCHEMA', at(path, String(extra[0])), 'is not a field of the listings feed schema v2');
  }
  return violation('FEED_SCHEMA', path, `${first.message} (listings feed schema v2)`);
}

/**
 * How long one turn of the event loop may spend checking messages. A full feed takes a few hundred
 * milliseconds of rules; checked in turns the instance keeps answering other requests meanwhile. The
 * turn is bounded by time, not by a message count, because one message may hold a few bytes or
 * hundreds of kilobytes of text (500 messages of ten 600-character bullets held the loop ~200 ms).
 */
export const TURN_BUDGET_MS = 10;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Answers a function that yields to the event loop once the current turn has used its budget. */
function turns(): () => Promise<void> | undefined {
  let started = performance.now();
  return () => {
    if (performance.now() - started < TURN_BUDGET_MS) return undefined;
    return nextTurn().then(() => {
      started = performance.now();
    });
  };
}

/** Per-message rules: unique ids, the operation's required/forbidden fields, and the listing content rules. */
async function messageViolations(messages: readonly FeedMessageDocument[], base: string): Promise<Violation[]> {
  const out: Violation[] = [];
  const seen = new Map<number, number>();
  const turn = turns();
  for (const [i, message] of messages.entries()) {
    await turn();
    const here = at(base, i);
    const first = seen.get(message.messageId);
    if (first !== undefined) out.push(violation('FEED_MESSAGE_ID_DUPLICATE', at(here, 'messageId'), `repeats messageId ${message.messageId} of messages.${first}; messageId must be unique in the feed`));
    else seen.set(message.messageId, i);
    const rule = OPERATION_FIELDS[message.operationType];
    for (const name of rule.required) {
      if (message[name as keyof FeedMessageDocument] === undefined) out.push(violation('FEED_OPERATION_FIELDS', at(here, name), `is required for operationType ${message.operationType}`));
    }
    for (const name of rule.forbidden) {
      if (message[name as keyof FeedMessageDocument] !== undefined) out.push(violation('FEED_OPERATION_FIELDS', at(here, name), `is not allowed for operationType ${message.operationType}`));
    }
    if (message.patches) {
      out.push(...checkPatches(message.patches, at(here, 'patches'), ['add', 'replace', 'merge', 'delete']));
      out.push(...checkDeleteSelectors(message.patches, at(here, 'patches')));
    }
    for (const [name, values] of Object.entries(message.attributes ?? {})) {
      if (!/^[a-z][a-z0-9_]*$/.test(name)) out.push(violation('FEED_ATTRIBUTE_NAME', at(here, 'attributes', name), 'is not an Amazon attribute name (lower case letters, digits and _)'));
      else out.push(...checkAttributeValues(name, values, at(here, 'attributes', name)));
    }
  }
  return out;
}

export interface PreparedListingsFeed {
  document?: ListingsFeedDocument;
  violations: Violation[];
}

/**
 * Checks a JSON_LISTINGS_FEED document and writes the connection's seller id into its header: an
 * agent must never target another seller, so a different sellerId is overwritten (with a warning).
 */
export async function prepareListingsFeed(content: unknown, sellerId: string, base = 'params.content'): Promise<PreparedListingsFeed> {
  let parsed: unknown = content;
  if (typeof content === 'string') {
    try {
      parsed = JSON.parse(content);
    } catch {
      return { violations: [violation('FEED_JSON_INVALID', base, 'is not valid JSON; JSON_LISTINGS_FEED content is a JSON document')] };
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { violations: [violation('FEED_SCHEMA', base, 'must be a JSON object {header, messages}')] };
  }
  const violations: Violation[] = [];
  // A shallow copy: only the header is rewritten, and the caller's params stay as sent (idempotency compares them).
  const document = { ...(parsed as Record<string, unknown>) };
  const header = document.header;
  if (header === undefined) {
    document.header = { sellerId, version: '2.0' };
    violations.push(violation('FEED_HEADER_ADDED', at(base, 'header'), `was missing; the broker added {sellerId: ${sellerId}, version: "2.0"}`, 'INFO'));
  } else if (typeof header === 'object' && header !== null && !Array.isArray(header)) {
    const given = (header as Record<string, unknown>).sellerId;
    if (given !== undefined && given !== sellerId) {
      const shown = JSON.stringify(given).slice(0, 60);
      violations.push(violation('FEED_SELLER_ID_REPLACED', at(base, 'header', 'sellerId'), `${shown} was replaced by the connected seller's id ${sellerId}`, 'WARNING'));
    }
    document.header = { ...header, sellerId };
  }
  const root = schemaViolation(rootValidator, document, base);
  if (root) return { violations: [...violations, root] };
  const messages = document.messages as unknown[];
  const turn = turns();
  for (const [i, message] of messages.entries()) {
    await turn();
    const wrong = schemaViolation(messageValidator, message, at(base, 'messages', i));
    if (wrong) return { violations: [...violations, wrong] };
  }
  const feed = document as ListingsFeedDocument;
  return { document: feed, violations: [...violations, ...(await messageViolations(feed.messages, at(base, 'messages')))] };
}

export interface FeedInput {
  feed_type: string;
  content: string | Record<string, unknown>;
  content_type?: string | undefined;
}

export interface PreparedFeed {
  feedType: string;
  /** What Amazon is told, on createFeedDocument and on the upload alike. */
  contentType: typeof FEED_CONTENT_TYPE;
  /** Exactly what will be uploaded: the normalised document. */
  bytes: Buffer;
  listings?: ListingsFeedDocument;
  violations: Violation[];
}

const tooLarge = (bytes: number) =>
  violation('FEED_TOO_LARGE', 'params.content', `is ${bytes} bytes; the broker accepts feed documents up to ${MAX_FEED_BYTES} bytes (10 MiB): split the feed`);

/**
 * Every feed rule, in the order that keeps a refusal cheap: the feed type (only the types of the
 * roles SellerShorts holds, feed-types.ts), the content type, the size, then the listings feed rules.
 */
export async function prepareFeed(input: FeedInput, sellerId: string): Promise<PreparedFeed> {
  const refused = { feedType: input.feed_type, contentType: FEED_CONTENT_TYPE, bytes: Buffer.alloc(0) } satisfies Omit<PreparedFeed, 'violations'>;
  const typeRefusal = feedTypeRefusal(input.feed_type);
  if (typeRefusal) return { ...refused, violations: [typeRefusal] };
  const contentType = input.content_type ?? FEED_CONTENT_TYPE;
  if (contentType !== FEED_CONTENT_TYPE) {
    return { ...refused, violations: [violation('FEED_CONTENT_TYPE', 'params.content_type', `must be application/json for ${input.feed_type} (got ${contentType})`)] };
  }
  const given = typeof input.content === 'string' ? Buffer.byteLength(input.content) : Buffer.byteLength(JSON.stringify(input.content));
  if (given > MAX_FEED_BYTES) return { ...refused, violations: [tooLarge(given)] };
  await nextTurn();
  const prepared = await prepareListingsFeed(input.content, sellerId);
  if (!prepared.document) return { ...refused, violations: prepared.violations };
  const bytes = Buffer.from(JSON.stringify(prepared.document), 'utf8');
  // The seller id written in can make a document at the edge a few bytes larger.
  const violations = bytes.length > MAX_FEED_BYTES ? [...prepared.violations, tooLarge(bytes.length)] : prepared.violations;
  return { feedType: input.feed_type, contentType: FEED_CONTENT_TYPE, bytes, listings: prepared.document, violations };
}

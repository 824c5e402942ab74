import Type from 'typebox';
import { Ok } from './envelope.js';
import { CAPABILITY_NAMES } from '../capabilities/index.js';

const Id = (description: string) => Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9._:@-]+$', description });
const CapabilityName = Type.String({ minLength: 1, maxLength: 100, description: `One of: ${CAPABILITY_NAMES.join(', ')}` });

export const MintTokenBody = Type.Object(
  {
    order_id: Id('SellerShorts order the token works for.'),
    buyer_id: Id('Buyer who owns the order (and the Amazon connection).'),
    tool_id: Id('Tool whose agent gets the token.'),
    capabilities: Type.Array(CapabilityName, { minItems: 1, maxItems: 50, description: 'Capabilities the token may call.' }),
    auto_apply: Type.Optional(Type.Array(CapabilityName, { maxItems: 50, description: 'Write capabilities applied without confirmation.' })),
    ttl_seconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 86_400, default: 3600, description: 'Lifetime, 60 s to 24 h (default 1 h).' })),
  },
  {
    additionalProperties: false,
    examples: [
      { order_id: 'ord_1001', buyer_id: 'demo-buyer', tool_id: 'listing-doctor', capabilities: ['listings.get', 'listings.update', 'orders.summary'], ttl_seconds: 3600 },
    ],
  },
);

export const MintTokenResponse = Type.Object(
  {
    ok: Type.Literal(true),
    data: Type.Object({
      job_token: Type.String({ description: 'sst_…: give it to the agent; the broker keeps only its SHA-256.' }),
      token_id: Type.String({ description: 'Revoke with DELETE /internal/job-tokens/{token_id}.' }),
      expires_at: Type.String({ format: 'date-time' }),
    }),
  },
  {
    examples: [
      { ok: true, data: { job_token: 'sst_Q2hhbmdlTWVJc0FTYW1wbGVUb2tlbk9mNDNDaGFyYWN0ZXJz', token_id: 'tok_7Hq2c9vLxW3mN0pR', expires_at: '2026-11-29T18:00:00.000Z' } },
    ],
  },
);

// The id alphabet (randomId: a prefix and base64url): anything else cannot name a token, and a NUL would reach Postgres.
export const TokenIdParams = Type.Object({ token_id: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' }) });
export const OrderIdParams = Type.Object({ order_id: Id('Order id.') });

const NullableString = (description?: string) => Type.Union([Type.String(), Type.Null()], description ? { description } : {});

export const AuditQuery = Type.Object(
  {
    order_id: Type.Optional(Id('Only the events of this order.')),
    buyer_id: Type.Optional(Id('Only the events of this buyer (all their orders).')),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Events at or after this time.' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Events before this time.' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Events per page.' })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'next_cursor of the previous page.' })),
  },
  { additionalProperties: false },
);

export const AuditEvent = Type.Object({
  time: Type.String({ format: 'date-time' }),
  event: Type.String({ description: 'capability_call, capability_replay (an Idempotency-Key answered from the stored first answer), confirmation_apply, confirmation_reject, confirmation_expire, or authorization_confirm and authorization_expire (a buyer\'s Amazon authorization from the OAuth callback confirmed, refused or left to expire; capability amazon.authorization, no order).' }),
  order_id: NullableString('null for an authorization event (a buyer\'s Amazon authorization confirmed or expired), which belongs to no order.'),
  buyer_id: NullableString(),
  tool_id: NullableString(),
  confirmation_id: NullableString(),
  capability: Type.String(),
  marketplace_id: NullableString(),
  outcome: Type.String({ description: 'OK, PENDING_CONFIRMATION, APPLIED, REJECTED_BY_AMAZON, REJECTED, EXPIRED or an error code.' }),
  http_status: Type.Integer({ description: 'Status the broker answered (0 for an expiry, which answers no request).' }),
  latency_ms: Type.Integer(),
  amazon_request_ids: Type.Array(Type.String(), { description: "Amazon's x-amzn-RequestId of every SP-API call made, in order." }),
});

export const AuditResponse = Ok(
  Type.Object({
    events: Type.Array(AuditEvent),
    next_cursor: NullableString('Pass as cursor for the next page; null on the last page.'),
  }),
  {
    examples: [
      {
        ok: true,
        data: {
          events: [
            {
              time: '2026-11-29T17:03:40.020Z',
              event: 'confirmation_apply',
              order_id: 'ord_1001',
              buyer_id: 'demo-buyer',
              tool_id: 'listing-doctor',
              confirmation_id: 'cnf_Jr0MXC7v6QI1CPj1HXPQ',
              capability: 'listings.update',
              marketplace_id: 'ATVPDKIKX0DER',
              outcome: 'APPLIED',
              http_status: 200,
              latency_ms: 231,
              amazon_request_ids: ['c8f2d3e5-6a7b-4c9d-8e1f-2a3b4c5d6e7f'],
            },
          ],
          next_cursor: null,
        },
      },
    ],
  },
);

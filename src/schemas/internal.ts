import Type from 'typebox';
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
    ttl_seconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 86_400, default: 3600 })),
  },
  { additionalProperties: false },
);

export const MintTokenResponse = Type.Object({
  ok: Type.Literal(true),
  data: Type.Object({ job_token: Type.String(), token_id: Type.String(), expires_at: Type.String({ format: 'date-time' }) }),
});

export const TokenIdParams = Type.Object({ token_id: Type.String({ minLength: 1, maxLength: 100 }) });
export const OrderIdParams = Type.Object({ order_id: Id('Order id.') });
export const OrderQuery = Type.Object({ order_id: Id('Order id.') }, { additionalProperties: false });

export const AuditEvent = Type.Object({
  time: Type.String({ format: 'date-time' }),
  capability: Type.String(),
  marketplace_id: Type.Union([Type.String(), Type.Null()]),
  outcome: Type.String({ description: 'OK, PENDING_CONFIRMATION, APPLIED, REJECTED_BY_AMAZON or an error code.' }),
  http_status: Type.Integer(),
  latency_ms: Type.Integer(),
  amazon_request_id: Type.Union([Type.String(), Type.Null()]),
});

export const AuditResponse = Type.Object({ ok: Type.Literal(true), data: Type.Object({ events: Type.Array(AuditEvent) }) });

/**
 * One audit event: a capability call (or an Idempotency-Key replay of one), or a staged write
 * applied, rejected or expired. Support reads
 * them by order or buyer (GET /internal/audit); Amazon's Data Protection Policy asks for 12 months.
 */
export type AuditEventKind =
  | 'capability_call'
  | 'capability_replay'
  | 'confirmation_apply'
  | 'confirmation_reject'
  | 'confirmation_expire'
  // A buyer's Amazon authorization (OAuth callback) confirmed by SellerShorts, or left to expire: no order.
  | 'authorization_confirm'
  | 'authorization_expire';

export interface AuditEvent {
  time: Date;
  event: AuditEventKind;
  /** null for an authorization event, which belongs to a buyer and no order. */
  orderId: string | null;
  buyerId: string | null;
  tokenId: string | null;
  toolId: string | null;
  confirmationId: string | null;
  capability: string;
  marketplaceId: string | null;
  /** OK, PENDING_CONFIRMATION, APPLIED, REJECTED, EXPIRED or an error code. */
  outcome: string;
  httpStatus: number;
  latencyMs: number;
  amazonRequestIds: string[];
}

/** Where events go: the batching AuditLog in the broker. `record` never waits and never throws. */
export interface AuditSink {
  record(event: AuditEvent): void;
}

/** A staged write closed without reaching Amazon (rejected or expired), as the audit sees it. */
export interface ClosedConfirmation {
  id: string;
  order_id: string;
  buyer_id: string;
  token_id: string;
  tool_id: string | null;
  capability: string;
  marketplace_id: string;
}

export function confirmationClosedEvent(closed: ClosedConfirmation, outcome: 'REJECTED' | 'EXPIRED', time = new Date()): AuditEvent {
  return {
    time,
    event: outcome === 'REJECTED' ? 'confirmation_reject' : 'confirmation_expire',
    orderId: closed.order_id,
    buyerId: closed.buyer_id,
    tokenId: closed.token_id,
    toolId: closed.tool_id,
    confirmationId: closed.id,
    capability: closed.capability,
    marketplaceId: closed.marketplace_id,
    outcome,
    httpStatus: outcome === 'REJECTED' ? 204 : 0,
    latencyMs: 0,
    amazonRequestIds: [],
  };
}

/** Records each closed confirmation (rejected or expired) as one event. */
export function auditClosed(sink: AuditSink, closed: ClosedConfirmation[], outcome: 'REJECTED' | 'EXPIRED'): void {
  const time = new Date();
  for (const confirmation of closed) sink.record(confirmationClosedEvent(confirmation, outcome, time));
}

/** The `capability` of authorization events: they are no capability call. */
export const AUTHORIZATION_AUDIT_NAME = 'amazon.authorization';

/**
 * A pending Amazon authorization confirmed (outcome CONNECTED), refused (the error code) or expired
 * (EXPIRED, http_status 0: no request answered it). Filed under the buyer; no order.
 */
export function authorizationEvent(
  event: 'authorization_confirm' | 'authorization_expire',
  input: { buyerId: string; outcome: string; httpStatus: number; latencyMs?: number; marketplaceId?: string | null },
  time = new Date(),
): AuditEvent {
  return {
    time,
    event,
    orderId: null,
    buyerId: input.buyerId,
    tokenId: null,
    toolId: null,
    confirmationId: null,
    capability: AUTHORIZATION_AUDIT_NAME,
    marketplaceId: input.marketplaceId ?? null,
    outcome: input.outcome,
    httpStatus: input.httpStatus,
    latencyMs: input.latencyMs ?? 0,
    amazonRequestIds: [],
  };
}

import type { ColumnType, Generated } from 'kysely';

/** Row types of every table, one interface each (see migrations/ for the DDL). */
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string, string>;

export interface OrdersTable {
  order_id: string;
  buyer_id: string;
  created_at: CreatedAt;
  deleted_at: NullableTimestamp;
}

export interface JobTokensTable {
  token_id: string;
  /** SHA-256 of the secret; the secret itself is never stored. */
  token_hash: string;
  order_id: string;
  buyer_id: string;
  tool_id: string;
  capabilities: Json<string[]>;
  auto_apply: Json<string[]>;
  expires_at: Timestamp;
  revoked_at: NullableTimestamp;
  created_at: CreatedAt;
}

export interface AmazonAuthorizationsTable {
  id: string;
  buyer_id: string;
  region: string;
  selling_partner_id: string;
  /** AES-256-GCM ciphertext of the LWA refresh token, bound to (id, buyer_id) as associated data. */
  refresh_token_ciphertext: string;
  status: 'active' | 'revoked';
  revoked_reason: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface AmazonConnectionsTable {
  buyer_id: string;
  marketplace_id: string;
  authorization_id: string;
  region: string;
  selling_partner_id: string;
  /** Amazon's defaultLanguageCode of the marketplace (participations); NULL for rows connected before it was kept. */
  language_tag: string | null;
  /** Connection order: the buyer's default marketplace is the first one connected. */
  seq: Generated<string>;
  connected_at: CreatedAt;
}

/** An authorization an OAuth callback brought, waiting for SellerShorts to confirm it (10 minutes). */
export interface AmazonPendingAuthorizationsTable {
  id: string;
  buyer_id: string;
  region: string;
  selling_partner_id: string;
  /** AES-256-GCM ciphertext bound to (id, buyer_id); NULL once confirmed (moved to amazon_authorizations) or expired. */
  refresh_token_ciphertext: string | null;
  /** Participating marketplaces of the region, in Amazon's order, read when the callback verified the seller. */
  marketplace_ids: Json<string[]>;
  /** Amazon's defaultLanguageCode per marketplace. */
  language_tags: Json<Record<string, string>>;
  status: 'pending' | 'confirmed' | 'expired';
  /** The connections the confirm answered (answered again to a repeated confirm). */
  result: Json<unknown> | null;
  expires_at: Timestamp;
  confirmed_at: NullableTimestamp;
  created_at: CreatedAt;
}

export interface OauthStatesTable {
  id: string;
  buyer_id: string;
  region: string;
  return_to: string | null;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
  created_at: CreatedAt;
}

/** `amazon_rejected`: Amazon answered the write and refused it (e.g. listings status INVALID); nothing changed there. */
export type ConfirmationStatus = 'pending' | 'applying' | 'applied' | 'amazon_rejected' | 'rejected' | 'expired' | 'failed';

export interface ConfirmationsTable {
  id: string;
  order_id: string;
  buyer_id: string;
  token_id: string;
  capability: string;
  marketplace_id: string;
  region: string;
  params: Json<unknown>;
  preview: Json<unknown>;
  status: ConfirmationStatus;
  result: Json<unknown> | null;
  error: Json<unknown> | null;
  expires_at: Timestamp;
  applied_at: NullableTimestamp;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface IdempotencyRecordsTable {
  order_id: string;
  idempotency_key: string;
  fingerprint: string;
  state: 'running' | 'done';
  status_code: number | null;
  /** The first answer as JSON text (not jsonb, which would reorder its keys). */
  response: string | null;
  /** A running record whose lease passed belongs to a crashed instance and may be taken over. */
  lease_expires_at: Timestamp;
  expires_at: Timestamp;
  created_at: CreatedAt;
}

/** Partitioned by month on `time` (see migrations/ and src/audit/partitions.ts). */
export interface AuditEventsTable {
  id: Generated<string>;
  time: Timestamp;
  event: string;
  /** NULL for a buyer's event outside any order (an Amazon authorization confirmed or expired). */
  order_id: string | null;
  buyer_id: string | null;
  token_id: string | null;
  tool_id: string | null;
  confirmation_id: string | null;
  capability: string;
  marketplace_id: string | null;
  outcome: string;
  http_status: number;
  latency_ms: number;
  amazon_request_ids: ColumnType<string[], string[], never>;
}

export interface ReportRequestsTable {
  report_id: string;
  order_id: string;
  buyer_id: string;
  selling_partner_id: string;
  region: string;
  marketplace_id: string;
  report_type: string;
  amazon_report_type: string;
  /** Hash of (seller, marketplace, report type, dates, options): identical requests reuse the report. */
  request_fingerprint: string;
  request: Json<unknown>;
  created_at: CreatedAt;
}

export interface Database {
  orders: OrdersTable;
  job_tokens: JobTokensTable;
  amazon_authorizations: AmazonAuthorizationsTable;
  amazon_connections: AmazonConnectionsTable;
  amazon_pending_authorizations: AmazonPendingAuthorizationsTable;
  oauth_states: OauthStatesTable;
  confirmations: ConfirmationsTable;
  idempotency_records: IdempotencyRecordsTable;
  audit_events: AuditEventsTable;
  report_requests: ReportRequestsTable;
}

import type { ConfirmationRecord } from './repository.js';

/** A confirmation as the internal API lists it (GET /internal/confirmations?order_id=). */
export function confirmationView(record: ConfirmationRecord) {
  return {
    id: record.id,
    capability: record.capability,
    status: record.status,
    marketplace_id: record.marketplaceId,
    summary: record.preview.summary,
    diff_preview: record.preview.diff_preview,
    validation: { issues: record.preview.issues },
    expires_at: record.expiresAt.toISOString(),
    created_at: record.createdAt.toISOString(),
    ...(record.appliedAt ? { applied_at: record.appliedAt.toISOString() } : {}),
    ...(record.status === 'applied' || record.status === 'amazon_rejected' ? { result: record.result } : {}),
    ...(record.status === 'failed' && record.error ? { error: { code: record.error.code, message: record.error.message } } : {}),
  };
}

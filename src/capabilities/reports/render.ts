import { compact, isRecord, num, record, records, str, type Json } from '../read-helpers/json.js';
import type { StreamedDocument } from '../read-helpers/json-stream.js';

/**
 * Rendering of report documents into answers. Amazon's JSON keeps Amazon's field names; only very
 * long top-level arrays are cut while the document streams (an agent cannot read a million rows
 * anyway) and the answer says so in `truncated`: `[{ field, total, returned }]`.
 */
export const MAX_ARRAY_ITEMS = 1_000;

export function withTruncation({ document, totals }: StreamedDocument): Json {
  const truncated = Object.entries(totals)
    .map(([field, total]) => ({ field, total, returned: Array.isArray(document[field]) ? (document[field] as unknown[]).length : 0 }))
    .filter((t) => t.total > t.returned);
  return truncated.length > 0 ? { report: document, truncated } : { report: document };
}

const rateMetric = (value: unknown) => {
  const m = record(value);
  if (!isRecord(value)) return undefined;
  return compact({ rate: num(m.rate), status: str(m.status), target_value: num(m.targetValue), target_condition: str(m.targetCondition) });
};

/**
 * A few lines on top of Amazon's seller performance report (docs/amazon.md#account-health) for the
 * asked marketplace: the account status, the account health rating (the schema requires
 * `ahrStatus` but declares `accountHealthRatingStatus` — both are read), the key rates, and the
 * policy areas with defects.
 */
export function accountHealthSummary(document: unknown, marketplaceId: string): Json {
  const doc = record(document);
  const status = records(doc.accountStatuses).find((s) => s.marketplaceId === marketplaceId);
  const metrics = records(doc.performanceMetrics).find((m) => m.marketplaceId === marketplaceId) ?? records(doc.performanceMetrics)[0] ?? {};
  const rating = record(metrics.accountHealthRating);
  const odr = record(metrics.orderDefectRate);
  const violations = Object.entries(metrics)
    .filter(([, v]) => isRecord(v) && num(v.defectsCount) !== undefined && (num(v.defectsCount) ?? 0) > 0)
    .map(([area, v]) => ({ area, defects_count: num(record(v).defectsCount) ?? 0, status: str(record(v).status) }));
  const warnings = records(metrics.warningStates).filter((w) => w.status === 'BAD').map((w) => str(w.warningType));
  return compact({
    marketplace_id: marketplaceId,
    account_status: str(status?.status),
    account_health_rating_status: str(rating.ahrStatus) ?? str(rating.accountHealthRatingStatus),
    order_defect_rate: compact({ mfn: rateMetric(odr.mfn), afn: rateMetric(odr.afn) }),
    late_shipment_rate: rateMetric(metrics.lateShipmentRate),
    pre_fulfillment_cancellation_rate: rateMetric(metrics.preFulfillmentCancellationRate),
    valid_tracking_rate: rateMetric(metrics.validTrackingRate),
    on_time_delivery_rate: rateMetric(metrics.onTimeDeliveryRate),
    invoice_defect_rate: rateMetric(metrics.invoiceDefectRate),
    policy_areas_with_defects: violations,
    bad_warning_states: warnings.filter((w): w is string => w !== undefined),
  });
}

/** GET_V2_SELLER_PERFORMANCE_REPORT document (schemas/reports/accountHealthReport-2020-11-18.json). */
import { int, pick, rng } from './random.js';
import { DAY } from './sales-data.js';
import type { ReportRecord } from './state.js';

const r4 = (n: number) => Math.round(n * 10_000) / 10_000;

export function sellerPerformance(report: ReportRecord, now: number) {
  const r = rng(`${report.sellerId}:performance`);
  const range = (days: number) => ({
    reportingDateFrom: new Date(now - days * DAY).toISOString().slice(0, 11) + '00:00Z',
    reportingDateTo: new Date(now - DAY).toISOString().slice(0, 11) + '23:59Z',
  });
  const violation = (count: number) => ({ reportingDateRange: range(180), defectsCount: count, status: count > 0 ? 'BAD' : 'GOOD', targetValue: 0, targetCondition: 'EQUALS' });
  const odr = (type: string, orders: number) => {
    const defects = Math.floor(orders * 0.004);
    return {
      reportingDateRange: range(60),
      orderCount: orders,
      orderWithDefects: { count: defects, status: 'GOOD' },
      claims: { count: Math.floor(defects / 3), status: 'NONE' },
      chargebacks: { count: Math.floor(defects / 10), status: 'NONE' },
      negativeFeedback: { count: defects - Math.floor(defects / 3) - Math.floor(defects / 10), status: 'NONE' },
      fulfillmentType: type,
      status: 'GOOD',
      rate: r4(defects / Math.max(1, orders)),
      targetValue: 0.01,
      targetCondition: 'LESS_THAN',
    };
  };
  return {
    accountStatuses: report.marketplaceIds.map((marketplaceId) => ({ marketplaceId, status: 'NORMAL' })),
    performanceMetrics: report.marketplaceIds.map((marketplaceId) => {
      const orders = int(r, 800, 6000);
      const late = Math.floor(orders * 0.01);
      const shipments = Math.floor(orders * 0.9);
      return {
        marketplaceId,
        invoiceDefectRate: { reportingDateRange: range(7), orderCount: Math.floor(orders / 8), invoiceDefect: { count: 0, status: 'GOOD' }, missingInvoice: { count: 0, status: 'NONE' }, lateInvoice: { count: 0, status: 'NONE' }, status: 'GOOD', rate: 0, targetValue: 0.05, targetCondition: 'LESS_THAN' },
        lateShipmentRate: { reportingDateRange: range(30), orderCount: orders, lateShipmentCount: late, status: 'GOOD', rate: r4(late / orders), targetValue: 0.04, targetCondition: 'LESS_THAN' },
        orderDefectRate: { mfn: odr('mfn', Math.floor(orders * 0.35)), afn: odr('afn', Math.floor(orders * 0.65)) },
        onTimeDeliveryRate: { reportingDateRange: range(30), shipmentCountWithValidTracking: shipments, onTimeDeliveryCount: Math.floor(shipments * 0.96), status: 'GOOD', rate: 0.96, targetValue: 0.9, targetCondition: 'GREATER_THAN' },
        unitOnTimeDeliveryRate: { reportingDateRange: range(30), status: 'GOOD', targetValue: 0.9, targetCondition: 'GREATER_THAN', unitOnTimeDeliveryCount: Math.floor(shipments * 0.95), totalUnitCount: shipments, rate: 0.95 },
        validTrackingRate: { reportingDateRange: range(30), shipmentCount: shipments, validTrackingCount: Math.floor(shipments * 0.99), status: 'GOOD', rate: 0.99, targetValue: 0.95, targetCondition: 'GREATER_THAN' },
        preFulfillmentCancellationRate: { reportingDateRange: range(7), orderCount: Math.floor(orders / 4), cancellationCount: Math.floor(orders / 400), status: 'GOOD', rate: 0.01, targetValue: 0.025, targetCondition: 'LESS_THAN' },
        warningStates: [{ warningType: 'spammingSellerMessaging', status: 'NONE' }],
        // Schema quirk: `ahrStatus` is required while `accountHealthRatingStatus` is declared — send both.
        accountHealthRating: { ahrStatus: 'GREAT', accountHealthRatingStatus: 'GREAT', reportingDateRange: range(180) },
        listingPolicyViolations: violation(pick(r, [0, 0, 1])),
        productAuthenticityCustomerComplaints: violation(0),
        productConditionCustomerComplaints: violation(0),
        productSafetyCustomerComplaints: violation(0),
        receivedIntellectualPropertyComplaints: violation(0),
        restrictedProductPolicyViolations: violation(0),
        suspectedIntellectualPropertyViolations: violation(0),
        foodAndProductSafetyIssues: violation(0),
        otherPolicyViolations: violation(0),
        documentRequests: violation(0),
      };
    }),
  };
}


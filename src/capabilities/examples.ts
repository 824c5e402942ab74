/**
 * Names from the sandbox's seeded world (docs/sandbox.md, GET /_sim/fixtures on the simulator) that
 * the params examples use, so every example works as it is against the sandbox's demo buyer
 * (seller A1SANDBOXNA0001, US marketplace). test/capabilities/examples.test.ts runs every example.
 */
export const SANDBOX = {
  marketplaceId: 'ATVPDKIKX0DER',
  sku: 'SS-MUG-001',
  productType: 'DRINKING_CUP',
  encodedSku: 'SKU/RED 01+#',
  asin: 'B0MP6NVW98',
  /** Delivered 12 days ago: inside Amazon's review window. */
  reviewableOrderId: '684-3487487-4291050',
  /** A JSON_LISTINGS_FEED the simulator seeds as DONE, with one error in its processing report. */
  feedId: '49990000001',
  /** A past week (Sunday to Saturday) and month the seeded sales data covers. */
  week: { start: '2026-11-01', end: '2026-11-07' },
  month: { start: '2026-10-01', end: '2026-10-31' },
} as const;

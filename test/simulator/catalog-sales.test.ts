import { describe, expect, it } from 'vitest';
import { useSimulatorClient } from '../helpers/harness.js';
import { client, SEED, useFastSimulator } from './helpers.js';

const NA = SEED.sellers.NA;
const US = 'ATVPDKIKX0DER';
const DAY = 86_400_000;

describe('Catalog Items API', () => {
  const sim = useFastSimulator({ rateLimits: false });
  const c = useSimulatorClient(sim);

  it('getCatalogItem returns summaries, images, attributes and sales ranks', async () => {
    const asin = NA.asins[0]!;
    const r = await c.get(`/catalog/2022-04-01/items/${asin}?marketplaceIds=${US}&includedData=summaries,images,attributes,salesRanks`);
    expect(r.status).toBe(200);
    expect(r.body.asin).toBe(asin);
    expect(r.body.summaries[0]).toMatchObject({ marketplaceId: US, brand: NA.brand });
    expect(r.body.images[0].images[0].variant).toBe('MAIN');
    expect(r.body.salesRanks[0].displayGroupRanks[0].rank).toBeGreaterThan(0);
    expect(r.body.attributes.item_name[0].value).toBe(r.body.summaries[0].itemName);
    expect((await c.get(`/catalog/2022-04-01/items/${NA.unknownAsin}?marketplaceIds=${US}`)).status).toBe(404);
  });

  it('searchCatalogItems by keywords (with refinements) and by identifiers, paged', async () => {
    const kw = await c.get(`/catalog/2022-04-01/items?marketplaceIds=${US}&keywords=mug&pageSize=3`);
    expect(kw.status).toBe(200);
    expect(kw.body.numberOfResults).toBeGreaterThan(3);
    expect(kw.body.items).toHaveLength(3);
    expect(kw.body.refinements.brands.length).toBeGreaterThan(0);
    const next = await c.get(`/catalog/2022-04-01/items?marketplaceIds=${US}&keywords=mug&pageSize=3&pageToken=${encodeURIComponent(kw.body.pagination.nextToken)}`);
    expect(next.body.items[0].asin).not.toBe(kw.body.items[0].asin);
    const ids = await c.get(`/catalog/2022-04-01/items?marketplaceIds=${US}&identifiers=${NA.asins.slice(0, 20).join(',')}&identifiersType=ASIN&pageSize=20`);
    expect(ids.body.numberOfResults).toBe(20);
    expect(ids.body.refinements).toBeUndefined();
    const bySku = await c.get(`/catalog/2022-04-01/items?marketplaceIds=${US}&identifiers=${encodeURIComponent('SKU/RED 01+#')}&identifiersType=SKU&sellerId=${NA.sellingPartnerId}`);
    expect(bySku.body.items[0].asin).toBe(NA.asinBySku['SKU/RED 01+#']);
  });

  it('validates like Amazon', async () => {
    const bad = [
      `marketplaceIds=${US},A2EUQ1WTGCTBG2&keywords=mug`,
      `marketplaceIds=${US}`,
      `marketplaceIds=${US}&keywords=mug&identifiers=${NA.asins[0]}&identifiersType=ASIN`,
      `marketplaceIds=${US}&identifiers=${NA.asins[0]}`,
      `marketplaceIds=${US}&identifiers=X&identifiersType=SKU`,
      `marketplaceIds=${US}&keywords=mug&pageSize=21`,
    ];
    for (const q of bad) {
      const r = await c.get(`/catalog/2022-04-01/items?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.errors[0].code).toBe('InvalidInput');
    }
  });
});

describe('Sales API getOrderMetrics', () => {
  const sim = useFastSimulator({ rateLimits: false });
  const c = useSimulatorClient(sim);

  const today = () => {
    const d = new Date();
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  };
  const z = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
  const metrics = (q: Record<string, string>) => c.get(`/sales/v1/orderMetrics?${new URLSearchParams({ marketplaceIds: US, ...q }).toString()}`);

  it('Day buckets add up to Total, amounts in the marketplace currency', async () => {
    const interval = `${z(today() - 7 * DAY)}--${z(today())}`;
    const days = await metrics({ interval, granularity: 'Day', granularityTimeZone: 'UTC' });
    expect(days.status).toBe(200);
    expect(days.body.payload).toHaveLength(7);
    expect(days.body.payload[0].interval).toMatch(/^\d{4}-\d{2}-\d{2}T00:00Z--\d{4}-\d{2}-\d{2}T00:00Z$/);
    const total = await metrics({ interval, granularity: 'Total', granularityTimeZone: 'UTC' });
    const sum = days.body.payload.reduce((s: number, p: any) => s + p.orderCount, 0);
    expect(total.body.payload[0].orderCount).toBe(sum);
    expect(sum).toBeGreaterThan(0);
    expect(total.body.payload[0].totalSales.currencyCode).toBe('USD');
    const units = total.body.payload[0].unitCount;
    expect(Number(total.body.payload[0].averageUnitPrice.amount)).toBeCloseTo(Number(total.body.payload[0].totalSales.amount) / units, 1);
    const jp = await client(sim, 'Atzr|sandbox-fe');
    const yen = await jp.get(`/sales/v1/orderMetrics?marketplaceIds=A1VC38T7YXB528&interval=${encodeURIComponent(interval)}&granularity=Total&granularityTimeZone=UTC`);
    expect(yen.body.payload[0].totalSales.currencyCode).toBe('JPY');
    expect(yen.body.payload[0].totalSales.amount).toMatch(/^\d+$/);
  });

  it('offset intervals need a matching IANA zone; week/month/hour buckets', async () => {
    const interval = '2026-01-05T00:00:00-08:00--2026-01-19T00:00:00-08:00';
    const weeks = await metrics({ interval, granularity: 'Week', granularityTimeZone: 'US/Pacific' });
    expect(weeks.status, JSON.stringify(weeks.body)).toBe(200);
    expect(weeks.body.payload.map((p: any) => p.interval)).toEqual(['2026-01-05T00:00-08:00--2026-01-12T00:00-08:00', '2026-01-12T00:00-08:00--2026-01-19T00:00-08:00']);
    const mismatch = await metrics({ interval, granularity: 'Day', granularityTimeZone: 'Europe/Berlin' });
    expect(mismatch.status).toBe(400);
    const hours = await metrics({ interval: `${z(today() - DAY)}--${z(today())}`, granularity: 'Hour' });
    expect(hours.body.payload).toHaveLength(24);
  });

  it('rejects what Amazon rejects', async () => {
    const recent = `${z(today() - 7 * DAY)}--${z(today())}`;
    const cases: Record<string, string>[] = [
      { interval: recent, granularity: 'Day' },
      { interval: `${z(today() - 40 * DAY)}--${z(today())}`, granularity: 'Hour' },
      { interval: `${z(today() - 800 * DAY)}--${z(today())}`, granularity: 'Total', granularityTimeZone: 'UTC' },
      { interval: `${z(today())}--${z(today() - DAY)}`, granularity: 'Total', granularityTimeZone: 'UTC' },
      { interval: '2026-01-05T00:00:00--2026-01-06T00:00:00', granularity: 'Total', granularityTimeZone: 'UTC' },
      { interval: recent, granularity: 'Minute', granularityTimeZone: 'UTC' },
      { interval: recent, granularity: 'Total', granularityTimeZone: 'US/Pacific' },
      { interval: recent, granularity: 'Total', granularityTimeZone: 'UTC', asin: NA.asins[0]!, sku: 'SS-MUG-001' },
    ];
    for (const q of cases) {
      const r = await metrics(q);
      expect(r.status, JSON.stringify(q)).toBe(400);
      expect(r.body.errors[0].code).toBe('InvalidInput');
    }
    expect((await c.get(`/sales/v1/orderMetrics?marketplaceIds=${US},A2EUQ1WTGCTBG2&interval=${encodeURIComponent(recent)}&granularity=Total&granularityTimeZone=UTC`)).status).toBe(400);
  });

  it('filters scale the data (asin, B2B)', async () => {
    const interval = `${z(today() - 30 * DAY)}--${z(today())}`;
    const all = (await metrics({ interval, granularity: 'Total', granularityTimeZone: 'UTC' })).body.payload[0];
    const one = (await metrics({ interval, granularity: 'Total', granularityTimeZone: 'UTC', asin: NA.asins[0]! })).body.payload[0];
    const b2b = (await metrics({ interval, granularity: 'Total', granularityTimeZone: 'UTC', buyerType: 'B2B' })).body.payload[0];
    expect(one.unitCount).toBeLessThan(all.unitCount);
    expect(b2b.unitCount).toBeLessThan(all.unitCount);
  });
});

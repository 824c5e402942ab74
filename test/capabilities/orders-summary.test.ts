import { describe, expect, it } from 'vitest';
import { zoneOffsetMinutes } from '../../src/capabilities/intervals.js';
import { SEED } from '../../src/simulator/index.js';
import { expectError, expectOk } from '../helpers/envelope.js';
import { connectCaller, useBroker, useCaller } from '../helpers/harness.js';
import { securityCases } from '../helpers/security-cases.js';
import { mark, QUICK_REPORTS, received } from './helpers.js';

const h = useBroker(QUICK_REPORTS);
const na = useCaller(h, ['orders.summary']);
const DAY = 86_400_000;
/** Midnight UTC `days` ago, as Z notation. */
const daysAgo = (days: number) => new Date(Math.floor(Date.now() / DAY) * DAY - days * DAY).toISOString().replace('.000Z', 'Z');

const ROW_KEYS = ['average_unit_price', 'interval', 'order_count', 'order_item_count', 'total_sales', 'unit_count'];

describe('orders.summary', () => {
  it('sends the interval, the granularity and UTC for Z times, and answers aggregates only', async () => {
    const from = mark(h.sim);
    const start = daysAgo(7);
    const end = daysAgo(0);
    const data = expectOk(await na.call('orders.summary', { start_date: start, end_date: end, granularity: 'DAY' }));
    const [request] = received(h.sim, 'getOrderMetrics', from);
    expect(request?.path).toBe('/sales/v1/orderMetrics');
    expect(request?.query).toEqual({ marketplaceIds: SEED.marketplaces.US, interval: `${start}--${end}`, granularity: 'Day', granularityTimeZone: 'UTC' });
    expect(data).toMatchObject({ marketplace_id: SEED.marketplaces.US, interval: `${start}--${end}`, granularity: 'DAY', granularity_time_zone: 'UTC' });
    expect(data.metrics).toHaveLength(7);
    for (const row of data.metrics) {
      expect(Object.keys(row).sort()).toEqual(ROW_KEYS);
      expect(row.total_sales).toEqual({ amount: expect.any(Number), currency_code: 'USD' });
      expect(row.order_count).toBeGreaterThan(0);
    }
    expect(Object.keys(data).sort()).toEqual(['granularity', 'granularity_time_zone', 'interval', 'marketplace_id', 'metrics', 'totals']);
  });

  it('maps every granularity and the buckets add up to the TOTAL', async () => {
    const start = daysAgo(20);
    const end = daysAgo(1);
    const from = mark(h.sim);
    const totals: Record<string, unknown> = {};
    for (const granularity of ['HOUR', 'DAY', 'WEEK', 'MONTH', 'YEAR', 'TOTAL']) {
      totals[granularity] = expectOk(await na.call('orders.summary', { start_date: start, end_date: end, granularity })).totals;
    }
    expect(received(h.sim, 'getOrderMetrics', from).map((r) => r.query.granularity)).toEqual(['Hour', 'Day', 'Week', 'Month', 'Year', 'Total']);
    const total = totals.TOTAL as { unit_count: number; total_sales: { amount: number } };
    for (const g of ['HOUR', 'DAY', 'WEEK', 'MONTH', 'YEAR']) {
      const t = totals[g] as typeof total;
      expect(t.unit_count, g).toBe(total.unit_count);
      expect(t.total_sales.amount, g).toBeCloseTo(total.total_sales.amount, 2);
    }
  });

  it("uses the marketplace's own zone for its offsets (across DST), a fixed Etc zone or any matching zone otherwise", async () => {
    const from = mark(h.sim);
    const year = new Date().getUTCFullYear() - 1;
    // US DST ends on the first Sunday of November: -07:00 before, -08:00 after.
    const dst = expectOk(await na.call('orders.summary', { start_date: `${year}-11-01T00:00:00-07:00`, end_date: `${year}-11-30T00:00:00-08:00`, granularity: 'WEEK' }));
    expect(dst.granularity_time_zone).toBe('America/Los_Angeles');
    const tokyo = expectOk(await na.call('orders.summary', { start_date: `${year}-12-01T00:00:00+09:00`, end_date: `${year}-12-08T00:00:00+09:00`, granularity: 'DAY' }));
    expect(tokyo.granularity_time_zone).toBe('Etc/GMT-9');
    const india = expectOk(await na.call('orders.summary', { start_date: `${year}-12-01T00:00:00+05:30`, end_date: `${year}-12-03T00:00:00+05:30`, granularity: 'DAY' }));
    expect(zoneOffsetMinutes(india.granularity_time_zone, Date.parse(`${year}-12-02T00:00:00Z`))).toBe(330);
    const sent = received(h.sim, 'getOrderMetrics', from).map((r) => [r.query.interval, r.query.granularityTimeZone]);
    expect(sent).toEqual([
      [`${year}-11-01T00:00:00-07:00--${year}-11-30T00:00:00-08:00`, 'America/Los_Angeles'],
      [`${year}-12-01T00:00:00+09:00--${year}-12-08T00:00:00+09:00`, 'Etc/GMT-9'],
      [`${year}-12-01T00:00:00+05:30--${year}-12-03T00:00:00+05:30`, india.granularity_time_zone],
    ]);
    expect(tokyo.metrics).toHaveLength(7);
    expect(tokyo.metrics[0].interval).toMatch(/\+09:00--/);
  });

  it('answers JPY as whole numbers for the JP marketplace', async () => {
    const fe = await connectCaller(h, ['orders.summary'], { region: 'FE' });
    const data = expectOk(await fe.call('orders.summary', { start_date: daysAgo(3), end_date: daysAgo(1), granularity: 'TOTAL' }));
    expect(data.metrics).toHaveLength(1);
    expect(data.metrics[0].total_sales.currency_code).toBe('JPY');
    expect(Number.isInteger(data.metrics[0].total_sales.amount)).toBe(true);
    expect(data.totals.total_sales).toEqual(data.metrics[0].total_sales);
  });

  it("checks Amazon's range rules before calling, naming the field", async () => {
    const from = mark(h.sim);
    const bad = async (params: Record<string, unknown>, field: string) =>
      expectError(await na.call('orders.summary', { granularity: 'DAY', ...params }), 'INVALID_REQUEST', field);
    await bad({ start_date: daysAgo(1), end_date: daysAgo(2) }, 'params.end_date');
    await bad({ start_date: daysAgo(1), end_date: daysAgo(1) }, 'params.end_date');
    await bad({ start_date: daysAgo(40), end_date: daysAgo(39), granularity: 'HOUR' }, 'params.start_date');
    await bad({ start_date: daysAgo(800), end_date: daysAgo(790) }, 'params.start_date');
    await bad({ start_date: '2026-01-01T00:00:00', end_date: daysAgo(1) }, 'params.start_date');
    await bad({ start_date: daysAgo(5), end_date: '2026-13-01' }, 'params.end_date');
    await bad({ start_date: daysAgo(5), end_date: daysAgo(1).replace('Z', '+03:00') }, 'params.end_date');
    await bad({ start_date: daysAgo(5), end_date: daysAgo(1), granularity: 'DAILY' }, 'params.granularity');
    await bad({ start_date: daysAgo(5), end_date: daysAgo(1), buyer_email: 'x' }, 'params.buyer_email');
    expectError(await na.call('orders.summary', { end_date: daysAgo(1), granularity: 'DAY' }), 'INVALID_REQUEST', 'params.start_date');
    expect(received(h.sim, 'getOrderMetrics', from)).toHaveLength(0);
  });

  it("answers Amazon's failure as SP_API_ERROR with its status and errors, and retries a transient 503", async () => {
    const params = { start_date: daysAgo(3), end_date: daysAgo(1), granularity: 'TOTAL' };
    let from = mark(h.sim);
    h.sim.faults.failNext(1, { status: 503, operation: 'getOrderMetrics' });
    expect(expectOk(await na.call('orders.summary', params)).metrics).toHaveLength(1);
    expect(received(h.sim, 'getOrderMetrics', from).map((r) => r.status)).toEqual([503, 200]);
    from = mark(h.sim);
    h.sim.faults.failNext(3, { status: 500, operation: 'getOrderMetrics' });
    const error = expectError(await na.call('orders.summary', params), 'SP_API_ERROR');
    expect(error.details).toMatchObject({ status: 500, errors: [expect.objectContaining({ code: 'InternalFailure' })] });
    expect(received(h.sim, 'getOrderMetrics', from)).toHaveLength(3);
  });
});

securityCases('orders.summary', { start_date: '2026-01-01', end_date: '2026-01-02', granularity: 'DAY' }, h);

import { describe, expect, it, vi } from 'vitest';
import { useSimulatorClient } from '../helpers/harness.js';
import { client, download, gunzipJson, isoDay, lastFullMonth, lastFullWeek, SEED, sleep, start, useFastSimulator, waitTerminal } from './helpers.js';

const US = 'ATVPDKIKX0DER';

describe('Reports API', () => {
  const sim = useFastSimulator({ rateLimits: false, reportTimings: { inQueueMs: 20, inProgressMs: 30 } });
  const c = useSimulatorClient(sim);

  const create = (body: Record<string, unknown>) => c.post('/reports/2021-06-30/reports', body);
  const finish = (reportId: string) => waitTerminal(() => c.get(`/reports/2021-06-30/reports/${reportId}`));

  it('moves IN_QUEUE → IN_PROGRESS → DONE and serves a gzip document whose URL expires', async () => {
    const slow = await start({ rateLimits: false, reportTimings: { inQueueMs: 150, inProgressMs: 600 } });
    const c = await client(slow);
    const finish = (reportId: string) => waitTerminal(() => c.get(`/reports/2021-06-30/reports/${reportId}`));
    try {
      const created = await c.post('/reports/2021-06-30/reports', { reportType: 'GET_SALES_AND_TRAFFIC_REPORT', marketplaceIds: [US], dataStartTime: isoDay(-8), dataEndTime: isoDay(-2), reportOptions: { asinGranularity: 'SKU' } });
      expect(created.status).toBe(202);
      const id = created.body.reportId as string;
      expect((await c.get(`/reports/2021-06-30/reports/${id}`)).body.processingStatus).toBe('IN_QUEUE');
      await sleep(250);
      expect((await c.get(`/reports/2021-06-30/reports/${id}`)).body.processingStatus).toBe('IN_PROGRESS');
      const done = await finish(id);
      expect(done.body).toMatchObject({ processingStatus: 'DONE', reportType: 'GET_SALES_AND_TRAFFIC_REPORT', marketplaceIds: [US] });
      expect(done.body.processingStartTime).toBeTruthy();
      expect(done.body.processingEndTime).toBeTruthy();
      const doc = await c.get(`/reports/2021-06-30/documents/${done.body.reportDocumentId}`);
      expect(doc.body).toMatchObject({ reportDocumentId: done.body.reportDocumentId, compressionAlgorithm: 'GZIP' });
      expect(new URL(doc.body.url).origin).toBe(slow.baseUrl);
      const dl = await download(doc.body.url);
      expect(dl.status).toBe(200);
      const report = gunzipJson(dl.bytes);
      expect(report.salesAndTrafficByDate).toHaveLength(7);
      expect(report.salesAndTrafficByDate[0].salesByDate.orderedProductSales.currencyCode).toBe('USD');
      expect(report.salesAndTrafficByAsin[0].sku).toBeTruthy();
      // "This URL expires after 5 minutes."
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + 301_000);
      const expired = await download(doc.body.url).finally(() => vi.useRealTimers());
      expect(expired.status).toBe(403);
      expect(expired.text).toContain('Request has expired');
      const tampered = await download(doc.body.url.replace(/X-Amz-Signature=[0-9a-f]{4}/, 'X-Amz-Signature=0000'));
      expect(tampered.status).toBe(403);
    } finally {
      await slow.close();
    }
  });

  it('enableContentEncodingUrlHeader makes the URL answer Content-Encoding: gzip', async () => {
    const created = await create({ reportType: 'GET_V2_SELLER_PERFORMANCE_REPORT', marketplaceIds: [US] });
    const done = await finish(created.body.reportId);
    const doc = await c.get(`/reports/2021-06-30/documents/${done.body.reportDocumentId}?enableContentEncodingUrlHeader=true`);
    const res = await fetch(doc.body.url);
    expect(res.headers.get('content-encoding')).toBe('gzip');
    const json = (await res.json()) as any;
    expect(json.accountStatuses[0]).toEqual({ marketplaceId: US, status: 'NORMAL' });
  });

  it('CANCELLED when there is no data (start more than 2 years ago)', async () => {
    const created = await create({ reportType: 'GET_SALES_AND_TRAFFIC_REPORT', marketplaceIds: [US], dataStartTime: isoDay(-800), dataEndTime: isoDay(-790) });
    const done = await finish(created.body.reportId);
    expect(done.body.processingStatus).toBe('CANCELLED');
    expect(done.body.reportDocumentId).toBeUndefined();
  });

  it('Brand Analytics: DONE on period boundaries, FATAL otherwise', async () => {
    const week = lastFullWeek();
    const ok = await finish((await create({ reportType: 'GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT', marketplaceIds: [US], dataStartTime: week.start, dataEndTime: week.end, reportOptions: { reportPeriod: 'WEEK' } })).body.reportId);
    expect(ok.body.processingStatus).toBe('DONE');
    const monday = isoDay(1, Date.parse(week.start));
    const bad = await finish((await create({ reportType: 'GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT', marketplaceIds: [US], dataStartTime: monday, dataEndTime: week.end, reportOptions: { reportPeriod: 'WEEK' } })).body.reportId);
    expect(bad.body.processingStatus).toBe('FATAL');
    const month = lastFullMonth();
    const noAsin = await finish((await create({ reportType: 'GET_BRAND_ANALYTICS_SEARCH_QUERY_PERFORMANCE_REPORT', marketplaceIds: [US], dataStartTime: month.start, dataEndTime: month.end, reportOptions: { reportPeriod: 'MONTH' } })).body.reportId);
    expect(noAsin.body.processingStatus).toBe('FATAL');
    const sqp = await finish(
      (await create({ reportType: 'GET_BRAND_ANALYTICS_SEARCH_QUERY_PERFORMANCE_REPORT', marketplaceIds: [US], dataStartTime: month.start, dataEndTime: month.end, reportOptions: { reportPeriod: 'MONTH', asin: SEED.sellers.NA.asins.slice(0, 2).join(' ') } })).body.reportId,
    );
    expect(sqp.body.processingStatus).toBe('DONE');
    const doc = await c.get(`/reports/2021-06-30/documents/${sqp.body.reportDocumentId}`);
    const data = gunzipJson((await download(doc.body.url)).bytes);
    expect(data.dataByAsin.length).toBeGreaterThan(0);
    const spanning = await finish((await create({ reportType: 'GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT', marketplaceIds: [US], dataStartTime: isoDay(-7, Date.parse(week.start)), dataEndTime: week.end, reportOptions: { reportPeriod: 'WEEK' } })).body.reportId);
    expect(spanning.body.processingStatus).toBe('FATAL');
    const basket = await finish((await create({ reportType: 'GET_BRAND_ANALYTICS_MARKET_BASKET_REPORT', marketplaceIds: [US], dataStartTime: isoDay(-7, Date.parse(week.start)), dataEndTime: week.end, reportOptions: { reportPeriod: 'WEEK' } })).body.reportId);
    expect(basket.body.processingStatus).toBe('DONE');
  });

  it('Brand Analytics without data ends FATAL with Amazon\'s "data is unavailable" error document, not CANCELLED', async () => {
    const old = lastFullWeek(Date.now() - 3 * 365 * 86_400_000);
    const done = await finish((await create({ reportType: 'GET_BRAND_ANALYTICS_MARKET_BASKET_REPORT', marketplaceIds: [US], dataStartTime: old.start, dataEndTime: old.end, reportOptions: { reportPeriod: 'WEEK' } })).body.reportId);
    expect(done.body.processingStatus).toBe('FATAL');
    const doc = await c.get(`/reports/2021-06-30/documents/${done.body.reportDocumentId}`);
    expect(gunzipJson((await download(doc.body.url)).bytes)).toEqual({ errorDetails: 'The requested data is unavailable. Please try a different date range' });
  });

  it('400 InvalidInput for a dataStartTime or dataEndTime after now, also an end later today', async () => {
    const inAMinute = new Date(Date.now() + 60_000).toISOString();
    const end = await create({ reportType: 'GET_SALES_AND_TRAFFIC_REPORT', marketplaceIds: [US], dataStartTime: isoDay(-3), dataEndTime: inAMinute });
    expect(end.status).toBe(400);
    expect(end.body.errors[0]).toMatchObject({ code: 'InvalidInput', message: expect.stringContaining('dataEndTime') });
    expect((await create({ reportType: 'GET_SALES_AND_TRAFFIC_REPORT', marketplaceIds: [US], dataStartTime: inAMinute })).status).toBe(400);
    const justBefore = new Date(Date.now() - 60_000).toISOString();
    expect((await create({ reportType: 'GET_SALES_AND_TRAFFIC_REPORT', marketplaceIds: [US], dataStartTime: isoDay(-3), dataEndTime: justBefore })).status).toBe(202);
  });

  it('400 for the retired item comparison report, unknown types and foreign marketplaces', async () => {
    const retired = await create({ reportType: 'GET_BRAND_ANALYTICS_ITEM_COMPARISON_REPORT', marketplaceIds: [US], reportOptions: { reportPeriod: 'WEEK' } });
    expect(retired.status).toBe(400);
    expect(retired.body.errors[0].code).toBe('InvalidInput');
    expect((await create({ reportType: 'GET_NOPE', marketplaceIds: [US] })).status).toBe(400);
    expect((await create({ reportType: 'GET_V2_SELLER_PERFORMANCE_REPORT', marketplaceIds: ['A1PA6795UKMFR9'] })).status).toBe(400);
    expect((await create({ reportType: 'GET_V2_SELLER_PERFORMANCE_REPORT', marketplaceIds: [] })).status).toBe(400);
    expect((await create({ reportType: 'GET_SALES_AND_TRAFFIC_REPORT', marketplaceIds: [US], reportOptions: { dateGranularity: 1 } })).status).toBe(400);
    expect((await c.get('/reports/2021-06-30/reports/999999')).status).toBe(404);
    expect((await c.get('/reports/2021-06-30/documents/amzn1.spdoc.nope')).status).toBe(404);
  });

  it('getReports lists the seller\'s reports; cancelReport only while IN_QUEUE', async () => {
    const list = await c.get('/reports/2021-06-30/reports?reportTypes=GET_V2_SELLER_PERFORMANCE_REPORT&pageSize=1');
    expect(list.status).toBe(200);
    expect(list.body.reports).toHaveLength(1);
    // Held in the queue, so a busy machine cannot outrun the IN_QUEUE window before the cancel.
    sim.setReportTimings({ inQueueMs: 600_000, inProgressMs: 30 });
    const created = await create({ reportType: 'GET_V2_SELLER_PERFORMANCE_REPORT', marketplaceIds: [US] });
    try {
      expect((await c.del(`/reports/2021-06-30/reports/${created.body.reportId}`)).status).toBe(200);
    } finally {
      sim.setReportTimings({ inQueueMs: 20, inProgressMs: 30 });
    }
    expect((await finish(created.body.reportId)).body.processingStatus).toBe('CANCELLED');
  });
});

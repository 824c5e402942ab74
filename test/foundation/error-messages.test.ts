import { beforeAll, describe, expect, it } from 'vitest';
import { callCapability, internalHeaders, mintToken } from '../helpers/app.js';
import { useTestApp } from '../helpers/harness.js';

/** Errors that say how to fix the call: the field, the expected shape with a tiny example, what is accepted. */
const testApp = useTestApp({ bodyLimitBytes: 1024 * 1024 });
let jobToken: string;
beforeAll(async () => {
  ({ jobToken } = await mintToken(testApp, { capabilities: ['analytics.fetch', 'listings.update', 'orders.summary'] }));
});

const invalid = (response: { statusCode: number; json(): any }) => {
  const body = response.json();
  expect(body.ok, JSON.stringify(body)).toBe(false);
  expect(body.error.code).toBe('INVALID_REQUEST');
  return body.error as { message: string; details?: Record<string, unknown> };
};

describe('INVALID_REQUEST names the field and the expected shape', () => {
  it('a string where a list of ASINs is expected', async () => {
    const error = invalid(await callCapability(testApp.app, jobToken, 'analytics.fetch', { report_type: 'brand_analytics_search_query_performance', asins: 'B0MP6NVW98' }));
    expect(error.details?.field).toBe('params.asins');
    expect(error.message).toBe('params.asins must be array (expected an array of strings, e.g. ["B0MP6NVW98"])');
  });

  it('a string patch value gets the structured shape with a tiny example', async () => {
    const error = invalid(
      await callCapability(testApp.app, jobToken, 'listings.update', {
        sku: 'SS-MUG-001',
        product_type: 'DRINKING_CUP',
        patches: [{ op: 'replace', path: '/attributes/item_name', value: 'New title' }],
      }),
    );
    expect(error.details?.field).toBe('params.patches.0.value');
    expect(error.message).toMatch(/^params\.patches\.0\.value must be array \(expected an array of objects, e\.g\. \[\{"value":"[^"]+"\}\]\)$/);
  });

  it('a missing field gets its shape; an unknown field gets the known ones', async () => {
    const missing = invalid(await callCapability(testApp.app, jobToken, 'orders.summary', { end_date: '2026-11-08', granularity: 'DAY' }));
    expect(missing.message).toMatch(/^params\.start_date is required \(expected a string, e\.g\. "2026-11-01T00:00:00Z"\)$/);
    const unknown = invalid(await callCapability(testApp.app, jobToken, 'orders.summary', { start_date: '2026-11-01', end_date: '2026-11-08', granularity: 'DAY', start: '2026-11-01' }));
    expect(unknown.details?.field).toBe('params.start');
    expect(unknown.message).toBe('params.start is not a known field (known fields: start_date, end_date, granularity, marketplace_id)');
  });

  it('internal bodies too', async () => {
    const response = await testApp.app.inject({
      method: 'POST',
      url: '/internal/job-tokens',
      headers: internalHeaders(testApp.config),
      payload: { order_id: 'o-1', buyer_id: 'b-1', tool_id: 't', capabilities: ['orders.summary'], ttl_seconds: 'an hour' },
    });
    expect(invalid(response).message).toBe('body.ttl_seconds must be integer (expected an integer, e.g. 3600)');
  });
});

describe('near misses, content types and sizes', () => {
  it('a misspelt capability gets "did you mean"', async () => {
    const response = await callCapability(testApp.app, jobToken, 'orders.sumary', {});
    const error = response.json().error;
    expect(error.code).toBe('CAPABILITY_NOT_ALLOWED');
    expect(error.message).toContain('did you mean orders.summary?');
    expect(error.details.did_you_mean).toBe('orders.summary');
    const toolSpelling = (await callCapability(testApp.app, jobToken, 'listings_update', {})).json().error;
    expect(toolSpelling.details.did_you_mean).toBe('listings.update');
  });

  it('a JSON body sent as text/plain is refused by its content type', async () => {
    const response = await testApp.app.inject({
      method: 'POST',
      url: '/api/capabilities',
      headers: { authorization: `Bearer ${jobToken}`, 'content-type': 'text/plain' },
      payload: JSON.stringify({ capability: 'orders.summary', provider: 'amazon', params: {} }),
    });
    expect(response.statusCode).toBe(400);
    expect(invalid(response).message).toBe('unsupported content type text/plain: send the body as JSON with Content-Type: application/json');
  });

  it('an oversized body names the limit', async () => {
    const response = await testApp.app.inject({
      method: 'POST',
      url: '/api/capabilities',
      headers: { authorization: `Bearer ${jobToken}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ capability: 'orders.summary', provider: 'amazon', params: { pad: 'x'.repeat(1024 * 1024) } }),
    });
    expect(response.statusCode).toBe(413);
    const error = invalid(response);
    expect(error.message).toBe('request body is larger than the 1048576-byte (1 MiB) limit (BODY_LIMIT_BYTES); split the request');
    expect(error.details).toEqual({ limit_bytes: 1048576 });
  });

  it('an empty JSON body says so instead of "not valid JSON"', async () => {
    const response = await testApp.app.inject({
      method: 'POST',
      url: '/internal/confirmations/cnf_AAAAAAAAAAAAAAAAAAAAAA/apply',
      headers: { ...internalHeaders(testApp.config), 'content-type': 'application/json' },
      payload: '',
    });
    expect(response.statusCode).toBe(400);
    expect(invalid(response).message).toBe('the body is empty but Content-Type says application/json: send a JSON body (e.g. {}) or no Content-Type header');
  });
});

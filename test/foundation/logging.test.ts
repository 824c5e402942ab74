import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, callCapability, internalHeaders, mintToken, type TestApp } from '../helpers/app.js';

let testApp: TestApp;
beforeAll(async () => {
  testApp = await buildTestApp({}, { captureLogs: true });
});
afterAll(async () => testApp?.close());

describe('logs', () => {
  it('write one JSON line per request with its request id, and never a token or key', async () => {
    const { jobToken } = await mintToken(testApp, { capabilities: ['connect.status'] });
    await callCapability(testApp.app, jobToken, 'connect.status', {}, { 'x-request-id': 'trace-me-1' });
    // An error path that echoes input must not echo the secret either.
    await testApp.app.inject({ method: 'GET', url: '/api/capabilities', headers: { authorization: `Bearer ${jobToken}x` } });
    testApp.app.log.info({ job_token: jobToken, headers: { authorization: `Bearer ${jobToken}` }, refresh_token: 'Atzr|secret' }, 'redaction probe');
    // What ops need stays readable: error codes are not secrets.
    testApp.app.log.warn({ code: 'SP_API_ERROR', err: { code: 'ECONNREFUSED' } }, 'visibility probe');

    const lines = testApp.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
    const requestLine = lines.find((line) => line.request_id === 'trace-me-1' && line.msg === 'request completed');
    expect(requestLine).toMatchObject({ route: '/api/capabilities', status: 409 });
    const all = testApp.logs.join('\n');
    expect(all).toContain('redaction probe');
    expect(all).toMatch(/"code":"SP_API_ERROR".*"code":"ECONNREFUSED"|"code":"ECONNREFUSED".*"code":"SP_API_ERROR"/);
    expect(all).not.toContain(jobToken);
    expect(all).not.toContain(jobToken.slice(4, 30));
    expect(all).not.toContain(testApp.config.internalApiKey);
    expect(all).not.toContain('Atzr|secret');
  });

  it('keep the internal key out of failed internal calls', async () => {
    await testApp.app.inject({ method: 'POST', url: '/internal/job-tokens', headers: { authorization: `Bearer ${testApp.config.internalApiKey}-wrong` }, payload: {} });
    await testApp.app.inject({ method: 'POST', url: '/internal/job-tokens', headers: internalHeaders(testApp.config), payload: { bad: true } });
    expect(testApp.logs.join('\n')).not.toContain(testApp.config.internalApiKey);
  });
});

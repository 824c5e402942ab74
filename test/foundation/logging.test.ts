import { Writable } from 'node:stream';
import Fastify, { type FastifyBaseLogger, LogController } from 'fastify';
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { createAccessLog, createLogger, requestLogger } from '../../src/logger.js';
import { callCapability, internalHeaders, mintToken } from '../helpers/app.js';
import { useTestApp } from '../helpers/harness.js';

const testApp = useTestApp({}, { captureLogs: true });

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

  it('write the access line exactly as pino writes the same fields (order included), and nothing below its level', () => {
    const written: string[] = [];
    const destination = { write: (line: string) => void written.push(line) };
    const accessLog = createAccessLog({ logLevel: 'info' }, destination);
    const reference = pino({ level: 'info', base: { service: 'capability-broker' }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
    // A generated id, a caller's id that needs escaping, a route seen before (its quoting is kept).
    for (const fields of [
      { request_id: '0f9c6f1e-8a0e-4b8e-9a59-6b7c1c1f2f3a', method: 'POST', route: '/api/capabilities', status: 200, ms: 3 },
      { request_id: 'id-"1"', method: 'POST', route: '/api/capabilities', status: 200, ms: 3 },
      { request_id: 'trace:a.b_c-1', method: 'GET', route: '/internal/buyers/:buyer_id/"x"', status: 404, ms: 0 },
    ]) {
      written.length = 0;
      accessLog.requestCompleted(fields);
      reference.info(fields, 'request completed');
      const [ours, theirs] = written.map((line) => line.replace(/"time":"[^"]+"/, '"time":"T"')) as [string, string];
      expect(ours).toBe(theirs);
      expect(JSON.parse(written[0] as string).time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    written.length = 0;
    createAccessLog({ logLevel: 'warn' }, destination).requestCompleted({ request_id: 'x', method: 'GET', route: '/', status: 200, ms: 1 });
    expect(written).toHaveLength(0);
  });

  it("carry the request id on a request's own lines (its logger is made on its first line)", async () => {
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const app = Fastify({
      loggerInstance: createLogger({ logLevel: 'debug' }, stream) as FastifyBaseLogger,
      childLoggerFactory: requestLogger,
      logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'request_id' }),
      genReqId: (request) => String(request.headers['x-request-id']),
    });
    app.get('/log-probe', async (request) => {
      request.log.trace('below the level: never written');
      request.log.debug({ step: 1, job_token: 'sst_secret' }, 'request log probe');
      request.log.child({ part: 'inner' }).info('request child probe');
      return { ok: true };
    });
    await app.inject({ url: '/log-probe', headers: { 'x-request-id': 'probe-42' } });
    await app.close();
    expect(lines.find((line) => line.msg === 'request log probe')).toMatchObject({ request_id: 'probe-42', step: 1, level: 20, job_token: '[redacted]' });
    expect(lines.find((line) => line.msg === 'request child probe')).toMatchObject({ request_id: 'probe-42', part: 'inner' });
    expect(lines.some((line) => String(line.msg).includes('never written'))).toBe(false);
  });

  it('keep the internal key out of failed internal calls', async () => {
    await testApp.app.inject({ method: 'POST', url: '/internal/job-tokens', headers: { authorization: `Bearer ${testApp.config.internalApiKey}-wrong` }, payload: {} });
    await testApp.app.inject({ method: 'POST', url: '/internal/job-tokens', headers: internalHeaders(testApp.config), payload: { bad: true } });
    expect(testApp.logs.join('\n')).not.toContain(testApp.config.internalApiKey);
  });
});

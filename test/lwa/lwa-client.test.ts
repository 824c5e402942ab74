import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LwaClient, LwaError } from '../../src/lwa/client.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';

describe('LwaClient', () => {
  let sim: RunningSimulator;
  let lwa: LwaClient;
  beforeAll(async () => {
    sim = await startSimulator();
    lwa = new LwaClient({ tokenUrl: sim.lwaTokenUrl, clientId: 'sandbox-client', clientSecret: 'sandbox-secret', timeoutMs: 400 });
  });
  afterAll(async () => {
    await lwa?.close();
    await sim?.close();
  });

  const failure = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LwaError);
    return error as LwaError;
  };

  it('refreshes with a form-urlencoded refresh_token grant', async () => {
    sim.stats.reset();
    const tokens = await lwa.refresh('Atzr|sandbox-na');
    expect(tokens.accessToken).toMatch(/^Atza\|/);
    expect(tokens.expiresIn).toBe(3600);
    const recorded = sim.stats.requests.find((r) => r.operation === 'lwaToken')!;
    expect(recorded.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(Object.fromEntries(new URLSearchParams(recorded.rawBody))).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'Atzr|sandbox-na',
      client_id: 'sandbox-client',
      client_secret: 'sandbox-secret',
    });
  });

  it('exchanges an authorization code (with redirect_uri)', async () => {
    const code = sim.issueAuthorizationCode({ sellingPartnerId: 'A2SANDBOXEU0002' });
    const tokens = await lwa.exchangeCode(code, 'https://broker.example/cb');
    expect(tokens.refreshToken).toMatch(/^Atzr\|/);
    const again = await failure(lwa.exchangeCode(code, 'https://broker.example/cb'));
    expect(again).toMatchObject({ kind: 'invalid_grant', status: 400, lwaError: 'invalid_grant' });
  });

  it('classifies failures: invalid_grant, transient (5xx, temporarily_unavailable, timeout, network), rejected', async () => {
    expect(await failure(lwa.refresh('Atzr|unknown'))).toMatchObject({ kind: 'invalid_grant' });

    sim.faults.lwaOutage = true;
    expect(await failure(lwa.refresh('Atzr|sandbox-na'))).toMatchObject({ kind: 'transient', status: 503, lwaError: 'temporarily_unavailable' });
    sim.faults.reset();
    sim.faults.failNext(1, { status: 500, operation: 'lwaToken' });
    expect(await failure(lwa.refresh('Atzr|sandbox-na'))).toMatchObject({ kind: 'transient', status: 500 });

    sim.faults.stall('lwaToken');
    const started = Date.now();
    expect(await failure(lwa.refresh('Atzr|sandbox-na'))).toMatchObject({ kind: 'transient', status: 0, lwaError: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2000);
    sim.faults.reset();

    const wrongClient = new LwaClient({ tokenUrl: sim.lwaTokenUrl, clientId: 'sandbox-client', clientSecret: 'nope', timeoutMs: 1000 });
    const rejected = await failure(wrongClient.refresh('Atzr|sandbox-na'));
    expect(rejected).toMatchObject({ kind: 'rejected', status: 401, lwaError: 'invalid_client' });
    expect(rejected.message).not.toContain('nope');
    await wrongClient.close();

    const nowhere = new LwaClient({ tokenUrl: 'http://127.0.0.1:9/auth/o2/token', clientId: 'c', clientSecret: 's', timeoutMs: 1000 });
    expect(await failure(nowhere.refresh('Atzr|x'))).toMatchObject({ kind: 'transient', status: 0, lwaError: 'network' });
    await nowhere.close();
  });
});

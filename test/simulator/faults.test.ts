import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { accessToken, call, client, lwa, start, useFastSimulator } from './helpers.js';

const PARTICIPATIONS = '/sellers/v1/marketplaceParticipations';

describe('fault injection', () => {
  const sim = useFastSimulator();
  let token: string;
  beforeAll(async () => {
    token = await accessToken(sim);
  });
  afterEach(() => sim.faults.reset());

  const listing = () => call(sim.baseUrl, token, 'GET', '/listings/2021-08-01/items/A1SANDBOXNA0001/SS-MUG-001?marketplaceIds=ATVPDKIKX0DER');

  it('latencyMs delays every SP-API answer', async () => {
    sim.faults.latencyMs = 150;
    const t0 = Date.now();
    expect((await listing()).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it('failNext answers 5xx with Amazon\'s error body, optionally for one operation', async () => {
    sim.faults.failNext(2, { status: 503 });
    const a = await listing();
    expect(a.status).toBe(503);
    expect(a.body.errors[0].code).toBe('ServiceUnavailable');
    expect((await listing()).status).toBe(503);
    expect((await listing()).status).toBe(200);
    sim.faults.failNext(1, { operation: 'getCatalogItem' });
    expect((await listing()).status).toBe(200);
    const c = await call(sim.baseUrl, token, 'GET', '/catalog/2022-04-01/items/B0NOSUCH00?marketplaceIds=ATVPDKIKX0DER');
    expect(c.status).toBe(500);
    expect(c.body.errors[0].code).toBe('InternalFailure');
  });

  it('resetNext destroys the socket without an answer', async () => {
    sim.faults.resetNext(1, { operation: 'getListingsItem' });
    await expect(listing()).rejects.toThrow();
    expect((await listing()).status).toBe(200);
    expect(sim.stats.requests.some((r) => r.operation === 'getListingsItem' && r.status === 0)).toBe(true);
  });

  it('lwaOutage answers 503 temporarily_unavailable', async () => {
    sim.faults.lwaOutage = true;
    const r = await lwa(sim, { grant_type: 'refresh_token', refresh_token: 'Atzr|sandbox-na', client_id: 'sandbox-client', client_secret: 'sandbox-secret' });
    expect(r.status).toBe(503);
    expect(r.body.error).toBe('temporarily_unavailable');
  });

  it('throttle overrides one operation\'s limit and the header it reports', async () => {
    sim.faults.throttle('getListingsItem', { rate: 0.5, burst: 1 });
    const first = await listing();
    expect(first.status).toBe(200);
    expect(first.headers.get('x-amzn-ratelimit-limit')).toBe('0.5');
    const second = await listing();
    expect(second.status).toBe(429);
    expect(second.body.errors[0].code).toBe('QuotaExceeded');
  });

  it('stall never answers (until the client gives up)', async () => {
    sim.faults.stall('getListingsItem');
    await expect(
      fetch(`${sim.baseUrl}/listings/2021-08-01/items/A1SANDBOXNA0001/SS-MUG-001?marketplaceIds=ATVPDKIKX0DER`, {
        headers: { 'x-amz-access-token': token },
        signal: AbortSignal.timeout(200),
      }),
    ).rejects.toThrow();
    expect((await call(sim.baseUrl, token, 'GET', PARTICIPATIONS)).status).toBe(200);
  });

  it('close() ends stalled calls', async () => {
    const other = await start();
    const t = await accessToken(other);
    other.faults.stall();
    const pending = fetch(`${other.baseUrl}${PARTICIPATIONS}`, { headers: { 'x-amz-access-token': t } });
    await new Promise((r) => setTimeout(r, 50));
    await other.close();
    await expect(pending).rejects.toThrow();
  });
});

describe('control API (/_sim)', () => {
  const sim = useFastSimulator();

  const post = (path: string, body: unknown) =>
    fetch(sim.baseUrl + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('exposes stats, faults, sellers and reset', async () => {
    const c = await client(sim);
    await c.get(PARTICIPATIONS);
    const stats = (await (await fetch(`${sim.baseUrl}/_sim/stats`)).json()) as any;
    expect(stats.calls.getMarketplaceParticipations).toBe(1);
    expect(stats.accepted.getMarketplaceParticipations).toBe(1);
    expect(stats.lwaCalls.refresh_token).toBe(1);
    expect(stats.requests).toBeUndefined();

    expect((await post('/_sim/faults', { failNext: { n: 1, status: 500 }, latencyMs: 10 })).status).toBe(204);
    expect(sim.faults.latencyMs).toBe(10);
    expect((await c.get(PARTICIPATIONS)).status).toBe(500);
    expect((await post('/_sim/faults', { throttle: { operation: 'getMarketplaceParticipations', rate: 1, burst: 1 } })).status).toBe(204);

    expect((await post('/_sim/sellers', { sellingPartnerId: 'A7CONTROL0001', refreshToken: 'Atzr|control', marketplaceIds: ['A1PA6795UKMFR9'] })).status).toBe(201);
    const de = await client(sim, 'Atzr|control');
    const listings = await de.get('/listings/2021-08-01/items/A7CONTROL0001?marketplaceIds=A1PA6795UKMFR9&pageSize=20');
    expect(listings.status).toBe(200);
    expect(listings.body.numberOfResults).toBeGreaterThanOrEqual(25);

    expect((await post('/_sim/reset', {})).status).toBe(204);
    expect(sim.faults.latencyMs).toBe(0);
    const after = (await (await fetch(`${sim.baseUrl}/_sim/stats`)).json()) as any;
    expect(after.calls).toEqual({});
    expect(sim.stats.requests).toHaveLength(0);
  });

  it('issues authorization codes, revokes and expires tokens for other processes', async () => {
    const res = await post('/_sim/authorization-codes', { sellingPartnerId: 'A1SANDBOXNA0001', refreshToken: 'Atzr|from-control' });
    const { code } = (await res.json()) as { code: string };
    const exchanged = await lwa(sim, { grant_type: 'authorization_code', code, client_id: 'sandbox-client', client_secret: 'sandbox-secret' });
    expect(exchanged.body.refresh_token).toBe('Atzr|from-control');
    const token = exchanged.body.access_token as string;
    expect((await post('/_sim/expire-access-tokens', {})).status).toBe(204);
    expect((await call(sim.baseUrl, token, 'GET', PARTICIPATIONS)).status).toBe(403);
    expect((await post('/_sim/revoke', { refreshToken: 'Atzr|from-control' })).status).toBe(204);
    const revoked = await lwa(sim, { grant_type: 'refresh_token', refresh_token: 'Atzr|from-control', client_id: 'sandbox-client', client_secret: 'sandbox-secret' });
    expect(revoked.body.error).toBe('invalid_grant');
  });
});

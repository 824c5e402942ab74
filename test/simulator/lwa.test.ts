import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningSimulator } from '../../src/simulator/index.js';
import { call, lwa, start } from './helpers.js';

const CLIENT = { client_id: 'sandbox-client', client_secret: 'sandbox-secret' };

describe('LWA token endpoint', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await start();
  });
  afterAll(async () => {
    vi.useRealTimers();
    await sim.close();
  });

  it('exchanges a seeded refresh token (form body) for an access token', async () => {
    const { status, body } = await lwa(sim, { grant_type: 'refresh_token', refresh_token: 'Atzr|sandbox-eu', ...CLIENT });
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 3600, refresh_token: 'Atzr|sandbox-eu' });
    expect(String(body.access_token)).toMatch(/^Atza\|/);
    expect(sim.stats.lwaCalls.refresh_token).toBeGreaterThanOrEqual(1);
  });

  it('accepts a JSON body too', async () => {
    const { status, body } = await lwa(sim, { grant_type: 'refresh_token', refresh_token: 'Atzr|sandbox-fe', ...CLIENT }, true);
    expect(status).toBe(200);
    const r = await call(sim.baseUrl, body.access_token as string, 'GET', '/sellers/v1/marketplaceParticipations');
    expect(r.body.payload.map((p: any) => p.marketplace.id)).toEqual(['A1VC38T7YXB528']);
  });

  it('rejects a wrong client with 401 invalid_client', async () => {
    const { status, body } = await lwa(sim, { grant_type: 'refresh_token', refresh_token: 'Atzr|sandbox-na', client_id: 'sandbox-client', client_secret: 'nope' });
    expect(status).toBe(401);
    expect(body.error).toBe('invalid_client');
    expect(typeof body.error_description).toBe('string');
  });

  it('rejects an unknown refresh token with invalid_grant and Amazon\'s description', async () => {
    const { status, body } = await lwa(sim, { grant_type: 'refresh_token', refresh_token: 'Atzr|nope', ...CLIENT });
    expect(status).toBe(400);
    expect(body).toEqual({
      error: 'invalid_grant',
      error_description: "The request has an invalid grant parameter : refresh_token. User may have revoked or didn't grant the permission.",
    });
  });

  it('answers invalid_request when parameters are missing', async () => {
    expect((await lwa(sim, { refresh_token: 'Atzr|sandbox-na', ...CLIENT })).body.error).toBe('invalid_request');
    expect((await lwa(sim, { grant_type: 'refresh_token', ...CLIENT })).body).toMatchObject({ error: 'invalid_request' });
    expect((await lwa(sim, { grant_type: 'refresh_token', refresh_token: 'Atzr|sandbox-na', client_id: 'sandbox-client' })).status).toBe(400);
  });

  it('revokes refresh tokens (and the access tokens issued from them)', async () => {
    sim.addSeller({ sellingPartnerId: 'A9REVOKE00001', refreshToken: 'Atzr|revoke-me', marketplaceIds: ['ATVPDKIKX0DER'] });
    const ok = await lwa(sim, { grant_type: 'refresh_token', refresh_token: 'Atzr|revoke-me', ...CLIENT });
    expect(ok.status).toBe(200);
    sim.revokeRefreshToken('Atzr|revoke-me');
    const again = await lwa(sim, { grant_type: 'refresh_token', refresh_token: 'Atzr|revoke-me', ...CLIENT });
    expect(again.body.error).toBe('invalid_grant');
    const r = await call(sim.baseUrl, ok.body.access_token as string, 'GET', '/sellers/v1/marketplaceParticipations');
    expect(r.status).toBe(403);
  });

  it('exchanges an authorization code once, for a new registered refresh token', async () => {
    const code = sim.issueAuthorizationCode({ sellingPartnerId: 'A1SANDBOXNA0001' });
    const first = await lwa(sim, { grant_type: 'authorization_code', code, redirect_uri: 'https://example.com/cb', ...CLIENT });
    expect(first.status).toBe(200);
    expect(String(first.body.refresh_token)).toMatch(/^Atzr\|/);
    expect(sim.stats.lwaCalls.authorization_code).toBe(1);
    const refreshed = await lwa(sim, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token as string, ...CLIENT });
    expect(refreshed.status).toBe(200);
    const second = await lwa(sim, { grant_type: 'authorization_code', code, ...CLIENT });
    expect(second.status).toBe(400);
    expect(second.body).toEqual({ error: 'invalid_grant', error_description: 'The request has an invalid grant parameter : code' });
  });

  it('honours a given refresh token and expires codes after 5 minutes', async () => {
    const code = sim.issueAuthorizationCode({ sellingPartnerId: 'A2SANDBOXEU0002', refreshToken: 'Atzr|chosen' });
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 5 * 60_000 + 1000);
    const late = await lwa(sim, { grant_type: 'authorization_code', code, ...CLIENT });
    vi.useRealTimers();
    expect(late.body.error).toBe('invalid_grant');
    const code2 = sim.issueAuthorizationCode({ sellingPartnerId: 'A2SANDBOXEU0002', refreshToken: 'Atzr|chosen' });
    const ok = await lwa(sim, { grant_type: 'authorization_code', code: code2, ...CLIENT });
    expect(ok.body.refresh_token).toBe('Atzr|chosen');
  });

  it('access tokens stop working once expired', async () => {
    const { body } = await lwa(sim, { grant_type: 'refresh_token', refresh_token: 'Atzr|sandbox-na', ...CLIENT });
    const token = body.access_token as string;
    expect((await call(sim.baseUrl, token, 'GET', '/sellers/v1/marketplaceParticipations')).status).toBe(200);
    sim.expireAccessTokens();
    const r = await call(sim.baseUrl, token, 'GET', '/sellers/v1/marketplaceParticipations');
    expect(r.status).toBe(403);
    expect(r.body.errors[0]).toMatchObject({ code: 'Unauthorized', message: 'Access to requested resource is denied.' });
    expect(r.headers.get('x-amzn-ratelimit-limit')).toBeNull();
  });

  it('honours accessTokenTtlSeconds', async () => {
    const short = await start({ accessTokenTtlSeconds: 1 });
    try {
      const { body } = await lwa(short, { grant_type: 'refresh_token', refresh_token: 'Atzr|sandbox-na', ...CLIENT });
      expect(body.expires_in).toBe(1);
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + 1500);
      const r = await call(short.baseUrl, body.access_token as string, 'GET', '/sellers/v1/marketplaceParticipations');
      vi.useRealTimers();
      expect(r.status).toBe(403);
      expect(r.body.errors[0].details).toMatch(/expired/);
    } finally {
      vi.useRealTimers();
      await short.close();
    }
  });
});

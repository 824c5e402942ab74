/**
 * Login with Amazon token endpoint, `POST /auth/o2/token` (docs/amazon.md#lwa-and-authorization).
 * Errors use the OAuth shape `{error, error_description}`, never SP-API's `errors[]`.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { LWA_OPERATION } from './faults.js';
import { bodyOf, headerRecord, queryRecord, rawPath, stallUntilClosed } from './operation.js';
import type { Sim } from './sim.js';

const AUTH_CODE_TTL_MS = 5 * 60 * 1000;

function token(prefix: string, bytes: number): string {
  return prefix + randomBytes(bytes).toString('base64url');
}

export function issueAccessToken(sim: Sim, sellerId: string, refreshToken: string): string {
  const t = token('Atza|IwEB', 150);
  sim.state.accessTokens.set(t, { sellerId, refreshToken, expiresAt: Date.now() + sim.state.accessTokenTtlSeconds * 1000 });
  return t;
}

export function issueAuthorizationCode(sim: Sim, args: { sellingPartnerId: string; refreshToken?: string }): string {
  if (!sim.state.sellers.has(args.sellingPartnerId)) throw new Error(`unknown selling partner ${args.sellingPartnerId}`);
  const code = 'AN' + randomBytes(12).toString('base64url').replace(/[-_]/g, 'x');
  sim.state.authCodes.set(code, {
    sellerId: args.sellingPartnerId,
    refreshToken: args.refreshToken ?? token('Atzr|IwEB', 60),
    expiresAt: Date.now() + AUTH_CODE_TTL_MS,
    used: false,
  });
  return code;
}

export function revokeRefreshToken(sim: Sim, refreshToken: string): void {
  const rt = sim.state.refreshTokens.get(refreshToken);
  if (rt) rt.revoked = true;
  for (const [t, rec] of sim.state.accessTokens) if (rec.refreshToken === refreshToken) sim.state.accessTokens.delete(t);
}

export function expireAccessTokens(sim: Sim): void {
  for (const rec of sim.state.accessTokens.values()) rec.expiresAt = 0;
}

const missing = (name: string) => ({ status: 400, error: 'invalid_request', description: `The request is missing a required parameter : ${name}` });

export function registerLwa(app: FastifyInstance, sim: Sim): void {
  app.post('/auth/o2/token', async (req, reply: FastifyReply) => {
    const body = bodyOf(req);
    const recorded = {
      operation: LWA_OPERATION,
      method: req.method,
      path: rawPath(req.url),
      query: queryRecord(req.url),
      headers: headerRecord(req),
      body: body.parsed,
      rawBody: body.raw,
      sellingPartnerId: undefined as string | undefined,
      status: 0,
    };
    sim.stats.record(recorded);
    const form = (typeof body.parsed === 'object' && body.parsed !== null ? body.parsed : {}) as Record<string, unknown>;
    const param = (k: string): string | undefined => (typeof form[k] === 'string' && form[k] !== '' ? (form[k] as string) : undefined);
    const grant = param('grant_type');
    if (grant === 'refresh_token' || grant === 'authorization_code') sim.stats.lwaCalls[grant] += 1;

    if (sim.faults.isStalled(LWA_OPERATION, false)) return stallUntilClosed(sim, reply);
    if (sim.faults.takeReset(LWA_OPERATION, false)) {
      reply.hijack();
      req.raw.socket.destroy();
      return;
    }
    const answer = (status: number, payload: unknown) => {
      recorded.status = status;
      return reply.code(status).header('content-type', 'application/json;charset=UTF-8').header('cache-control', 'no-store').send(JSON.stringify(payload));
    };
    const fail = (e: { status: number; error: string; description: string }) => answer(e.status, { error_description: e.description, error: e.error });

    const injected = sim.faults.takeFailure(LWA_OPERATION, false);
    if (sim.faults.lwaOutage || injected === 503) {
      return fail({ status: 503, error: 'temporarily_unavailable', description: 'The authorization server is temporarily unable to handle the request. Please try again later.' });
    }
    if (injected === 500) return fail({ status: 500, error: 'server_error', description: 'The authorization server encountered an unexpected condition.' });

    if (!grant) return fail(missing('grant_type'));
    if (!['refresh_token', 'authorization_code', 'client_credentials'].includes(grant)) {
      return fail({ status: 400, error: 'unsupported_grant_type', description: `The authorization grant type is not supported by the authorization server : ${grant}` });
    }
    const clientId = param('client_id');
    const clientSecret = param('client_secret');
    if (!clientId) return fail(missing('client_id'));
    if (!clientSecret) return fail(missing('client_secret'));
    if (clientId !== sim.state.clientId || clientSecret !== sim.state.clientSecret) {
      return fail({ status: 401, error: 'invalid_client', description: 'Client authentication failed' });
    }

    if (grant === 'refresh_token') {
      const rt = param('refresh_token');
      if (!rt) return fail(missing('refresh_token'));
      const rec = sim.state.refreshTokens.get(rt);
      if (!rec || rec.revoked || !sim.state.sellers.has(rec.sellerId)) {
        return fail({
          status: 400,
          error: 'invalid_grant',
          description: "The request has an invalid grant parameter : refresh_token. User may have revoked or didn't grant the permission.",
        });
      }
      recorded.sellingPartnerId = rec.sellerId;
      const access = issueAccessToken(sim, rec.sellerId, rt);
      return answer(200, { access_token: access, refresh_token: rt, token_type: 'bearer', expires_in: sim.state.accessTokenTtlSeconds });
    }

    if (grant === 'authorization_code') {
      const code = param('code');
      if (!code) return fail(missing('code'));
      const rec = sim.state.authCodes.get(code);
      if (!rec || rec.used || rec.expiresAt <= Date.now()) {
        return fail({ status: 400, error: 'invalid_grant', description: 'The request has an invalid grant parameter : code' });
      }
      rec.used = true;
      sim.state.refreshTokens.set(rec.refreshToken, { sellerId: rec.sellerId, revoked: false });
      recorded.sellingPartnerId = rec.sellerId;
      const access = issueAccessToken(sim, rec.sellerId, rec.refreshToken);
      return answer(200, { access_token: access, refresh_token: rec.refreshToken, token_type: 'bearer', expires_in: sim.state.accessTokenTtlSeconds });
    }

    // client_credentials: grantless token, not valid for seller operations.
    if (!param('scope')) return fail(missing('scope'));
    return answer(200, { access_token: token('Atc|MQEB', 120), scope: param('scope'), token_type: 'bearer', expires_in: sim.state.accessTokenTtlSeconds });
  });
}

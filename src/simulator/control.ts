/**
 * Control API for other processes (benchmarks run the simulator out of process). Not Amazon's:
 * everything lives under `/_sim/`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FaultSettings } from './faults.js';
import { fixtures } from './fixtures.js';
import { expireAccessTokens, issueAuthorizationCode, revokeRefreshToken } from './lwa.js';
import { bodyOf } from './operation.js';
import type { Sim } from './sim.js';

const bad = (reply: FastifyReply, message: string) => reply.code(400).send({ error: message });

export function registerControl(app: FastifyInstance, sim: Sim, addSeller: (s: { sellingPartnerId: string; refreshToken: string; marketplaceIds: string[] }) => void): void {
  const json = (req: FastifyRequest): Record<string, unknown> => {
    const b = bodyOf(req).parsed;
    return typeof b === 'object' && b !== null ? (b as Record<string, unknown>) : {};
  };
  app.get('/_sim/stats', async () => sim.stats.toJSON());
  app.get('/_sim/fixtures', async () => fixtures());
  app.get('/_sim/requests', async () => sim.stats.requests);
  app.post('/_sim/reset', async (_req, reply) => {
    sim.stats.reset();
    sim.faults.reset();
    sim.buckets.clear();
    return reply.code(204).send();
  });
  app.post('/_sim/faults', async (req, reply) => {
    sim.faults.apply(json(req) as FaultSettings);
    return reply.code(204).send();
  });
  app.post('/_sim/sellers', async (req, reply) => {
    const b = json(req);
    if (typeof b.sellingPartnerId !== 'string' || typeof b.refreshToken !== 'string' || !Array.isArray(b.marketplaceIds)) {
      return bad(reply, 'sellingPartnerId, refreshToken and marketplaceIds are required');
    }
    try {
      addSeller({ sellingPartnerId: b.sellingPartnerId, refreshToken: b.refreshToken, marketplaceIds: b.marketplaceIds as string[] });
    } catch (e) {
      return bad(reply, (e as Error).message);
    }
    return reply.code(201).send({ sellingPartnerId: b.sellingPartnerId });
  });
  app.post('/_sim/revoke', async (req, reply) => {
    const b = json(req);
    if (typeof b.refreshToken !== 'string') return bad(reply, 'refreshToken is required');
    revokeRefreshToken(sim, b.refreshToken);
    return reply.code(204).send();
  });
  app.post('/_sim/authorization-codes', async (req, reply) => {
    const b = json(req);
    if (typeof b.sellingPartnerId !== 'string') return bad(reply, 'sellingPartnerId is required');
    try {
      const code = issueAuthorizationCode(sim, { sellingPartnerId: b.sellingPartnerId, refreshToken: typeof b.refreshToken === 'string' ? b.refreshToken : undefined });
      return reply.code(201).send({ code });
    } catch (e) {
      return bad(reply, (e as Error).message);
    }
  });
  app.post('/_sim/expire-access-tokens', async (_req, reply) => {
    expireAccessTokens(sim);
    return reply.code(204).send();
  });
}

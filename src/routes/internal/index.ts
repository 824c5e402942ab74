import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticateWithinBudget } from '../../auth/failed-auth-budget.js';
import { safeEqual } from '../../auth/secrets.js';
import { requestBearer } from '../../auth/bearer.js';
import { BrokerError } from '../../errors.js';
import connectionRoutes from './connections.js';
import jobTokenRoutes from './job-tokens.js';
import orderRoutes from './orders.js';
import confirmationRoutes from './confirmations.js';

async function requireInternalKey(request: FastifyRequest) {
  const { config, failedAuth } = request.server.services;
  const { token: presented, hash } = requestBearer(request);
  // Guessing the internal key spends the same failed-authentication budget as guessing job tokens.
  await authenticateWithinBudget(failedAuth, request.ip, hash, async () => {
    if (!presented || !safeEqual(presented, config.internalApiKey)) {
      throw new BrokerError('INVALID_TOKEN', 'internal API key missing or wrong: send Authorization: Bearer <INTERNAL_API_KEY>');
    }
  });
}

/** Every /internal/* route: SellerShorts services only, behind the internal API key. */
export default async function internalRoutes(app: FastifyInstance) {
  app.addHook('onRequest', requireInternalKey);
  // A change reported here (a revoked token, a deleted order, a disconnect) must already be heard by
  // the cache invalidation channel of every instance when its caller reads the answer.
  app.addHook('onSend', async (request, reply) => {
    // Reads change nothing, and neither does a refused write.
    if (request.method === 'GET' || request.method === 'HEAD' || reply.statusCode >= 400) return;
    await request.server.services.caches.feed?.barrier().catch((error: unknown) => {
      request.log.warn({ err: { message: (error as Error).message } }, 'cache invalidation barrier incomplete: an instance that has not acknowledged drops the entry when it hears the change, or when the entry expires (60 s)');
    });
  });
  await app.register(jobTokenRoutes);
  await app.register(orderRoutes);
  await app.register(connectionRoutes);
  await app.register(confirmationRoutes);
}

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { bearerToken, safeEqual } from '../../auth/secrets.js';
import { BrokerError } from '../../errors.js';
import connectionRoutes from './connections.js';
import jobTokenRoutes from './job-tokens.js';
import orderRoutes from './orders.js';
import confirmationRoutes from './confirmations.js';

async function requireInternalKey(request: FastifyRequest) {
  const presented = bearerToken(request.headers.authorization);
  if (!presented || !safeEqual(presented, request.server.services.config.internalApiKey)) {
    throw new BrokerError('INVALID_TOKEN', 'internal API key missing or wrong: send Authorization: Bearer <INTERNAL_API_KEY>');
  }
}

/** Every /internal/* route: SellerShorts services only, behind the internal API key. */
export default async function internalRoutes(app: FastifyInstance) {
  app.addHook('onRequest', requireInternalKey);
  await app.register(jobTokenRoutes);
  await app.register(orderRoutes);
  await app.register(connectionRoutes);
  await app.register(confirmationRoutes);
}

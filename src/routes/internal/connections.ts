import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import { connectSeller } from '../../connections/service.js';
import { disconnectBuyer, listConnections } from '../../connections/repository.js';
import type { Connection } from '../../connections/types.js';
import { BrokerError } from '../../errors.js';
import { consentTarget, consentUrl } from '../../oauth/consent.js';
import { createOAuthState } from '../../oauth/state.js';
import {
  AuthorizeBody,
  AuthorizeResponse,
  BuyerParams,
  ConnectionsResponse,
  ImportConnectionBody,
} from '../../schemas/connections.js';
import { errorResponses } from '../../schemas/envelope.js';
import { INTERNAL_SECURITY } from './security.js';

/** A connection as the internal API shows it: never a secret. */
export const connectionView = (c: Connection) => ({
  marketplace_id: c.marketplaceId,
  region: c.region,
  status: c.status,
  selling_partner_id: c.sellingPartnerId,
});

const PATH = '/internal/buyers/:buyer_id/amazon/connections';

export default async function connectionRoutes(app: FastifyInstance) {
  app.post(
    PATH,
    {
      schema: {
        tags: ['internal'],
        operationId: 'importAmazonConnection',
        summary: 'Import an existing Amazon authorization (refresh token) for a region',
        description:
          "Proves the refresh token at LWA, reads the seller's marketplace participations and stores one connection per participating marketplace. Replaces the buyer's earlier authorization for that region.",
        security: INTERNAL_SECURITY,
        params: BuyerParams,
        body: ImportConnectionBody,
        response: { 201: ConnectionsResponse, ...errorResponses(400, 401, 429, 502) },
      },
    },
    async (request, reply) => {
      const { buyer_id } = request.params as Static<typeof BuyerParams>;
      const body = request.body as Static<typeof ImportConnectionBody>;
      const connections = await connectSeller(request.server.services, {
        buyerId: buyer_id,
        region: body.region,
        sellingPartnerId: body.selling_partner_id,
        refreshToken: body.refresh_token,
      });
      request.log.info({ buyer_id, region: body.region, marketplaces: connections.length }, 'Amazon authorization imported');
      return reply.status(201).send({ ok: true, data: { connections: connections.map(connectionView) } });
    },
  );

  app.get(
    PATH,
    {
      schema: {
        tags: ['internal'],
        operationId: 'listAmazonConnections',
        description: 'One entry per connected marketplace with its region, selling partner id, status (active or revoked) and whether it is the default.',
        summary: "List the buyer's Amazon connections",
        security: INTERNAL_SECURITY,
        params: BuyerParams,
        response: { 200: ConnectionsResponse, ...errorResponses(400, 401) },
      },
    },
    async (request) => {
      const { buyer_id } = request.params as Static<typeof BuyerParams>;
      const connections = await listConnections(request.server.services.db, buyer_id);
      return { ok: true, data: { connections: connections.map(connectionView) } };
    },
  );

  app.delete(
    PATH,
    {
      schema: {
        tags: ['internal'],
        operationId: 'disconnectAmazon',
        summary: "Disconnect the buyer's Amazon account (every region)",
        description: "Deletes the buyer's authorizations and connections; their calls then get NO_CONNECTION.",
        security: INTERNAL_SECURITY,
        params: BuyerParams,
        response: { 204: { type: 'null', description: 'Disconnected' }, ...errorResponses(400, 401) },
      },
    },
    async (request, reply) => {
      const { buyer_id } = request.params as Static<typeof BuyerParams>;
      const { db, amazon } = request.server.services;
      await disconnectBuyer(db, buyer_id, amazon.accessTokens);
      return reply.status(204).send();
    },
  );

  app.post(
    '/internal/buyers/:buyer_id/amazon/authorize',
    {
      schema: {
        tags: ['internal'],
        operationId: 'startAmazonAuthorization',
        summary: "Start Amazon's website authorization workflow",
        description:
          'Returns the Seller Central consent URL with a signed, single-use state (10 minutes): on the store\'s own Seller Central host when marketplace_id is given (its region follows), else on the region\'s. Amazon then redirects the seller to GET /oauth/amazon/callback. Only the primary user of the seller account can authorize an app the first time.',
        security: INTERNAL_SECURITY,
        params: BuyerParams,
        body: AuthorizeBody,
        response: { 200: AuthorizeResponse, ...errorResponses(400, 401) },
      },
    },
    async (request) => {
      const { buyer_id } = request.params as Static<typeof BuyerParams>;
      const body = (request.body ?? {}) as Static<typeof AuthorizeBody>;
      const { config, db, vault } = request.server.services;
      if (!config.spapiAppId) throw new BrokerError('INTERNAL_ERROR', 'SPAPI_APP_ID is not configured: the consent URL needs it');
      const target = consentTarget({ region: body.region, marketplaceId: body.marketplace_id });
      const { state, expiresAt } = await createOAuthState(db, vault, { buyerId: buyer_id, region: target.region, returnTo: body.return_to });
      return {
        ok: true,
        data: { authorize_url: consentUrl(config, target, state), state, expires_at: expiresAt.toISOString() },
      };
    },
  );
}

import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Static } from 'typebox';
import { confirmAuthorization, connectSeller } from '../../connections/service.js';
import { disconnectBuyer, listConnections } from '../../connections/repository.js';
import { connectionView } from '../../connections/view.js';
import { BrokerError, invalidRequest } from '../../errors.js';
import { consentTarget, consentUrl } from '../../oauth/consent.js';
import { createOAuthState } from '../../oauth/state.js';
import {
  AuthorizationIdParams,
  AuthorizeBody,
  AuthorizeResponse,
  BuyerParams,
  ConnectionsResponse,
  ImportConnectionBody,
} from '../../schemas/connections.js';
import { errorResponses } from '../../schemas/envelope.js';
import { INTERNAL_SECURITY } from './security.js';

export { connectionView } from '../../connections/view.js';

const PATH = '/internal/buyers/:buyer_id/amazon/connections';

export default async function connectionRoutes(untyped: FastifyInstance) {
  const app = untyped.withTypeProvider<TypeBoxTypeProvider>();
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
      const { buyer_id } = request.params;
      const { body } = request;
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
      const { buyer_id } = request.params;
      const connections = await listConnections(request.server.services.db, buyer_id);
      return { ok: true as const, data: { connections: connections.map(connectionView) } };
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
      const { buyer_id } = request.params;
      const { db, amazon } = request.server.services;
      await disconnectBuyer(db, buyer_id, amazon.accessTokens);
      return reply.status(204).send(null);
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
      const { buyer_id } = request.params;
      // The body is optional: a POST without one asks for the NA region's consent URL.
      const body: Static<typeof AuthorizeBody> = request.body ?? {};
      const { config, db, vault } = request.server.services;
      if (!config.spapiAppId) throw new BrokerError('INTERNAL_ERROR', 'SPAPI_APP_ID is not configured: the consent URL needs it');
      // The callback appends amazon_authorization to it: refused now rather than after the seller consented.
      if (body.return_to !== undefined && !URL.canParse(body.return_to)) {
        throw invalidRequest('return_to is not a valid absolute URL', { field: 'body.return_to' });
      }
      const target = consentTarget({ region: body.region, marketplaceId: body.marketplace_id });
      const { state, expiresAt } = await createOAuthState(db, vault, { buyerId: buyer_id, region: target.region, returnTo: body.return_to });
      return {
        ok: true as const,
        data: { authorize_url: consentUrl(config, target, state), state, expires_at: expiresAt.toISOString() },
      };
    },
  );

  app.post(
    '/internal/buyers/:buyer_id/amazon/authorizations/:authorization_id/confirm',
    {
      schema: {
        tags: ['internal'],
        operationId: 'confirmAmazonAuthorization',
        summary: "Confirm an OAuth callback's authorization for the signed-in buyer",
        description:
          "Call from SellerShorts' server once its return page has checked that the signed-in user is the buyer who started the authorization (never from a browser). The pending authorization (at most 10 minutes old) becomes the buyer's for its region, replacing an earlier one, with one connection per participating marketplace; the answer lists them. Repeating answers the same. Another buyer's or an unknown id: 404. Past 10 minutes: 409 INVALID_REQUEST, and it is discarded (start again). See docs/oauth.md.",
        security: INTERNAL_SECURITY,
        params: AuthorizationIdParams,
        response: { 200: ConnectionsResponse, ...errorResponses(400, 401, 404, 409) },
      },
    },
    async (request) => {
      const { buyer_id, authorization_id } = request.params;
      const confirmed = await confirmAuthorization(request.server.services, { buyerId: buyer_id, authorizationId: authorization_id });
      if (confirmed.first) {
        request.log.info(
          { buyer_id, region: confirmed.region, selling_partner_id: confirmed.sellingPartnerId, authorization_id, marketplaces: confirmed.connections.length },
          'Amazon authorization confirmed',
        );
      }
      return { ok: true as const, data: { connections: confirmed.connections } };
    },
  );
}

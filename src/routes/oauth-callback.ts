import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import { connectSeller, lwaFailure } from '../connections/service.js';
import { BrokerError } from '../errors.js';
import { consumeOAuthState } from '../oauth/state.js';
import { ConnectionsResponse, OAuthCallbackQuery } from '../schemas/connections.js';
import { errorResponses } from '../schemas/envelope.js';
import { connectionView } from './internal/connections.js';

/**
 * Step 4 of Amazon's website authorization workflow (docs/amazon.md#lwa-and-authorization). Public: the signed,
 * single-use state is the protection, and it is checked before anything else — a forged, expired
 * or replayed state never reaches LWA. The code is valid 5 minutes.
 */
export default async function oauthCallbackRoutes(app: FastifyInstance) {
  app.get(
    '/oauth/amazon/callback',
    {
      schema: {
        tags: ['oauth'],
        operationId: 'amazonOAuthCallback',
        summary: "Amazon's consent redirect",
        description:
          'Verifies the state, exchanges spapi_oauth_code at LWA, stores the refresh token encrypted and one connection per participating marketplace, then redirects to return_to (302) or answers the connections.',
        querystring: OAuthCallbackQuery,
        response: {
          200: ConnectionsResponse,
          302: { type: 'null', description: 'Redirect to the return_to given when the authorization started' },
          ...errorResponses(400, 429, 502),
        },
      },
    },
    async (request, reply) => {
      // The landing page must not leak the code or state to third parties through Referer (Amazon's advice).
      reply.header('referrer-policy', 'no-referrer');
      reply.header('cache-control', 'no-store');
      const query = request.query as Static<typeof OAuthCallbackQuery>;
      const { config, db, vault, amazon } = request.server.services;
      const state = await consumeOAuthState(db, vault, query.state);
      let tokens;
      try {
        tokens = await amazon.lwa.exchangeCode(query.spapi_oauth_code, config.oauthRedirectUri);
      } catch (error) {
        throw lwaFailure(error, 'authorization code rejected by Amazon (expired or already used); start the authorization again');
      }
      if (!tokens.refreshToken) {
        throw new BrokerError('SP_API_ERROR', 'Amazon login (LWA) answered the code exchange without a refresh token', {
          details: { status: 200, lwa_error: 'missing_refresh_token' },
        });
      }
      const connections = await connectSeller(request.server.services, {
        buyerId: state.buyerId,
        region: state.region,
        sellingPartnerId: query.selling_partner_id,
        refreshToken: tokens.refreshToken,
        tokens,
      });
      request.log.info({ buyer_id: state.buyerId, region: state.region, marketplaces: connections.length }, 'Amazon authorization completed');
      if (state.returnTo) return reply.redirect(state.returnTo, 302);
      return { ok: true, data: { connections: connections.map(connectionView) } };
    },
  );
}

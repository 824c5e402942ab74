import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { lwaFailure, stageAuthorization } from '../connections/service.js';
import { BrokerError } from '../errors.js';
import { consumeOAuthState } from '../oauth/state.js';
import { OAuthCallbackQuery, PendingAuthorizationResponse } from '../schemas/connections.js';
import { errorResponses } from '../schemas/envelope.js';

/**
 * Step 4 of Amazon's website authorization workflow
 * (https://developer-docs.amazon.com/sp-api/docs/website-authorization-workflow). Public: the
 * signed, single-use state is the protection, and it is checked before anything else — a forged,
 * expired or replayed state never reaches LWA. The code is valid 5 minutes.
 * The state names the buyer who started the flow, not who is in this browser: a consent link
 * forwarded to someone signed in to Seller Central lands here with *their* account (RFC 6749
 * §10.12). So the authorization is only stored as pending; SellerShorts, which knows who is signed
 * in, confirms it (docs/oauth.md).
 */
export default async function oauthCallbackRoutes(untyped: FastifyInstance) {
  const app = untyped.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/oauth/amazon/callback',
    {
      schema: {
        tags: ['oauth'],
        operationId: 'amazonOAuthCallback',
        summary: "Amazon's consent redirect",
        description:
          'Verifies the state, exchanges spapi_oauth_code at LWA, proves the selling partner and stores the authorization encrypted as pending: nobody is connected yet. Redirects to return_to with amazon_authorization=<id> appended (302), or answers PENDING_CONFIRMATION with authorization_id. SellerShorts then confirms it for the signed-in buyer within 10 minutes (POST /internal/buyers/{buyer_id}/amazon/authorizations/{authorization_id}/confirm).',
        querystring: OAuthCallbackQuery,
        response: {
          200: PendingAuthorizationResponse,
          302: { type: 'null', description: 'Redirect to the return_to given when the authorization started, with amazon_authorization=<id> added to its query' },
          ...errorResponses(400, 429, 502),
        },
      },
    },
    async (request, reply) => {
      // The landing page must not leak the code or state to third parties through Referer (Amazon's advice).
      reply.header('referrer-policy', 'no-referrer');
      reply.header('cache-control', 'no-store');
      const { query } = request;
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
      const pending = await stageAuthorization(request.server.services, {
        buyerId: state.buyerId,
        region: state.region,
        sellingPartnerId: query.selling_partner_id,
        refreshToken: tokens.refreshToken,
        tokens,
      });
      request.log.info(
        { buyer_id: state.buyerId, region: state.region, selling_partner_id: query.selling_partner_id, authorization_id: pending.id },
        'Amazon authorization pending confirmation',
      );
      if (state.returnTo) return reply.redirect(withAuthorizationId(state.returnTo, pending.id), 302);
      return { ok: true as const, data: { status: 'PENDING_CONFIRMATION' as const, authorization_id: pending.id, expires_at: pending.expiresAt.toISOString() } };
    },
  );
}

/** return_to with `amazon_authorization=<id>` added to its query (its own parameters and fragment kept). */
export function withAuthorizationId(returnTo: string, id: string): string {
  const url = new URL(returnTo);
  url.searchParams.set('amazon_authorization', id);
  return url.toString();
}

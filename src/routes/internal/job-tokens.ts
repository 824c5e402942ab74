import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { mintJobToken, revokeJobToken } from '../../auth/job-tokens.js';
import { findCapability } from '../../capabilities/index.js';
import { BrokerError, notFound } from '../../errors.js';
import { errorResponses } from '../../schemas/envelope.js';
import { MintTokenBody, MintTokenResponse, TokenIdParams } from '../../schemas/internal.js';
import { INTERNAL_SECURITY } from './security.js';

export default async function jobTokenRoutes(untyped: FastifyInstance) {
  const app = untyped.withTypeProvider<TypeBoxTypeProvider>();
  app.post(
    '/internal/job-tokens',
    {
      schema: {
        tags: ['internal'],
        operationId: 'mintJobToken',
        summary: 'Mint a job token for an order',
        description: 'The order is registered on first use and bound to that buyer; minting for it with another buyer is 409.',
        security: INTERNAL_SECURITY,
        body: MintTokenBody,
        response: { 201: MintTokenResponse, ...errorResponses(400, 401, 409) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const capabilities = [...new Set(body.capabilities)];
      const autoApply = [...new Set(body.auto_apply ?? [])];
      for (const [field, names] of [['capabilities', capabilities], ['auto_apply', autoApply]] as const) {
        const unknown = names.find((name) => !findCapability(name));
        if (unknown) throw new BrokerError('INVALID_REQUEST', `unknown capability ${unknown}`, { details: { field } });
      }
      for (const name of autoApply) {
        if (findCapability(name)?.access !== 'write') {
          throw new BrokerError('INVALID_REQUEST', `auto_apply lists ${name}, which is not a write capability`, { details: { field: 'auto_apply' } });
        }
        if (!capabilities.includes(name)) {
          throw new BrokerError('INVALID_REQUEST', `auto_apply lists ${name}, which is not in capabilities`, { details: { field: 'auto_apply' } });
        }
      }
      const minted = await mintJobToken(request.server.services.db, {
        orderId: body.order_id,
        buyerId: body.buyer_id,
        toolId: body.tool_id,
        capabilities,
        autoApply,
        ttlSeconds: body.ttl_seconds ?? 3600,
      });
      return reply.status(201).send({
        ok: true,
        data: { job_token: minted.jobToken, token_id: minted.tokenId, expires_at: minted.expiresAt.toISOString() },
      });
    },
  );

  app.delete(
    '/internal/job-tokens/:token_id',
    {
      schema: {
        tags: ['internal'],
        operationId: 'revokeJobToken',
        description: 'The token answers INVALID_TOKEN on its next use, on every instance. An unknown token_id is 404.',
        summary: 'Revoke a job token (at once, on every instance)',
        security: INTERNAL_SECURITY,
        params: TokenIdParams,
        response: { 204: { type: 'null', description: 'Revoked' }, ...errorResponses(401, 404) },
      },
    },
    async (request, reply) => {
      const { token_id } = request.params;
      if (!(await revokeJobToken(request.server.services.db, token_id))) {
        throw notFound(`unknown token_id ${token_id}`);
      }
      return reply.status(204).send(null);
    },
  );
}

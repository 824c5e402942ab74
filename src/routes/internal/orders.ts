import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { listAudit } from '../../audit/query.js';
import { deleteOrder } from '../../auth/job-tokens.js';
import { BrokerError } from '../../errors.js';
import { errorResponses } from '../../schemas/envelope.js';
import { AuditQuery, AuditResponse, OrderIdParams } from '../../schemas/internal.js';
import { INTERNAL_SECURITY } from './security.js';

export default async function orderRoutes(untyped: FastifyInstance) {
  const app = untyped.withTypeProvider<TypeBoxTypeProvider>();
  app.delete(
    '/internal/orders/:order_id',
    {
      schema: {
        tags: ['internal'],
        operationId: 'deleteOrder',
        description: 'Idempotent: deleting a deleted order is 204 again; an order never seen is 404 ORDER_NOT_FOUND. A deleted order is final: minting for it again is 409.',
        summary: 'Delete an order: its tokens then answer ORDER_NOT_FOUND and its pending writes close',
        security: INTERNAL_SECURITY,
        params: OrderIdParams,
        response: { 204: { type: 'null', description: 'Deleted' }, ...errorResponses(401, 404) },
      },
    },
    async (request, reply) => {
      const { order_id } = request.params;
      if (!(await deleteOrder(request.server.services.db, order_id))) {
        throw new BrokerError('ORDER_NOT_FOUND', `unknown order ${order_id}`);
      }
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/internal/audit',
    {
      schema: {
        tags: ['internal'],
        operationId: 'listAuditEvents',
        summary: 'The audit trail: capability calls and staged writes applied, rejected or expired',
        description:
          'Filter by order, buyer and time range; oldest first, `limit` per page, then pass `next_cursor` as `cursor`. Events are written in batches within ~100 ms; this instance writes its own queue before answering.',
        security: INTERNAL_SECURITY,
        querystring: AuditQuery,
        response: { 200: AuditResponse, ...errorResponses(400, 401) },
      },
    },
    async (request) => {
      const query = request.query;
      const { db, audit } = request.server.services;
      // What this instance has queued is written first, so a caller sees its own calls.
      await audit.flush().catch((error: unknown) => request.log.warn({ err: { message: (error as Error).message } }, 'audit flush failed'));
      const page = await listAudit(db, {
        orderId: query.order_id,
        buyerId: query.buyer_id,
        from: query.from ? new Date(query.from) : undefined,
        to: query.to ? new Date(query.to) : undefined,
        cursor: query.cursor,
        limit: query.limit ?? 100,
      });
      return { ok: true as const, data: page };
    },
  );
}

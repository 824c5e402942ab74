import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import { listAudit } from '../../audit/audit.js';
import { deleteOrder } from '../../auth/job-tokens.js';
import { BrokerError } from '../../errors.js';
import { errorResponses } from '../../schemas/envelope.js';
import { AuditResponse, OrderIdParams, OrderQuery } from '../../schemas/internal.js';
import { INTERNAL_SECURITY } from './security.js';

export default async function orderRoutes(app: FastifyInstance) {
  app.delete(
    '/internal/orders/:order_id',
    {
      schema: {
        tags: ['internal'],
        summary: 'Delete an order: its tokens then answer ORDER_NOT_FOUND and its pending writes close',
        security: INTERNAL_SECURITY,
        params: OrderIdParams,
        response: { 204: { type: 'null', description: 'Deleted' }, ...errorResponses(401, 404) },
      },
    },
    async (request, reply) => {
      const { order_id } = request.params as Static<typeof OrderIdParams>;
      if (!(await deleteOrder(request.server.services.db, order_id))) {
        throw new BrokerError('ORDER_NOT_FOUND', `unknown order ${order_id}`);
      }
      return reply.status(204).send();
    },
  );

  app.get(
    '/internal/audit',
    {
      schema: {
        tags: ['internal'],
        summary: 'Every capability call of an order',
        security: INTERNAL_SECURITY,
        querystring: OrderQuery,
        response: { 200: AuditResponse, ...errorResponses(400, 401) },
      },
    },
    async (request) => {
      const { order_id } = request.query as Static<typeof OrderQuery>;
      return { ok: true as const, data: { events: await listAudit(request.server.services.db, order_id) } };
    },
  );
}

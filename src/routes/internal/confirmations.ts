import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { auditClosed } from '../../audit/audit.js';
import { applyConfirmation } from '../../confirmations/apply.js';
import { expireDue, findConfirmation, listConfirmations, rejectPending } from '../../confirmations/repository.js';
import { confirmationView } from '../../confirmations/view.js';
import { conflict, notFound } from '../../errors.js';
import { ApplyResponse, ConfirmationIdParams, ConfirmationsQuery, ConfirmationsResponse } from '../../schemas/confirmations.js';
import { errorResponses } from '../../schemas/envelope.js';
import { INTERNAL_SECURITY } from './security.js';

/** The buyer's side of staged writes: list, apply (exactly once), reject. Logic lives in src/confirmations/. */
export default async function confirmationRoutes(untyped: FastifyInstance) {
  const app = untyped.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/internal/confirmations',
    {
      schema: {
        tags: ['internal'],
        operationId: 'listConfirmations',
        description: "Every confirmation of the order: capability, status (pending, applying, applied, failed, rejected, expired), the summary and diff the buyer sees, Amazon's validation issues, and the result or error once applied.",
        summary: "The staged writes of an order, with their preview, status and result",
        security: INTERNAL_SECURITY,
        querystring: ConfirmationsQuery,
        response: { 200: ConfirmationsResponse, ...errorResponses(400, 401) },
      },
    },
    async (request) => {
      const { order_id } = request.query;
      const { db, audit } = request.server.services;
      auditClosed(audit, await expireDue(db, { orderId: order_id }), 'EXPIRED');
      return { ok: true as const, data: { confirmations: (await listConfirmations(db, order_id)).map(confirmationView) } };
    },
  );

  app.post(
    '/internal/confirmations/:id/apply',
    {
      schema: {
        tags: ['internal'],
        operationId: 'applyConfirmation',
        summary: 'Apply a staged write: it reaches Amazon exactly once',
        description:
          'Applying again (or concurrently) answers the first outcome. APPLIED only when Amazon accepted the write; when Amazon answers and refuses it (a listings patch with status INVALID) the answer is 200 REJECTED_BY_AMAZON with Amazon\'s issues in result, and the confirmation becomes amazon_rejected. A rejected or expired confirmation is 409 INVALID_REQUEST; an Amazon error answer is SP_API_ERROR and the confirmation becomes failed (a later apply answers the same failure, it never re-sends).',
        security: INTERNAL_SECURITY,
        params: ConfirmationIdParams,
        response: { 200: ApplyResponse, ...errorResponses(400, 401, 404, 409, 429, 500, 502) },
      },
    },
    async (request) => {
      const { id } = request.params;
      return { ok: true as const, data: await applyConfirmation(request.server.services, id, request.log) };
    },
  );

  app.post(
    '/internal/confirmations/:id/reject',
    {
      schema: {
        tags: ['internal'],
        operationId: 'rejectConfirmation',
        description: '204 for a pending (or already rejected or expired) confirmation; 409 for one that is applying, applied or failed: what was sent cannot be taken back.',
        summary: 'Reject a staged write: it can no longer be applied',
        security: INTERNAL_SECURITY,
        params: ConfirmationIdParams,
        response: { 204: { type: 'null', description: 'Rejected (or already closed)' }, ...errorResponses(401, 404, 409) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const { db, audit } = request.server.services;
      auditClosed(audit, await expireDue(db, { id }), 'EXPIRED');
      const rejected = await rejectPending(db, id);
      if (rejected) {
        auditClosed(audit, [rejected], 'REJECTED');
      } else {
        const record = await findConfirmation(db, id);
        if (!record) throw notFound(`unknown confirmation ${id}`, { field: 'id' });
        // Rejecting what is already closed is a no-op; what was (or is being) sent cannot be taken back.
        if (record.status !== 'rejected' && record.status !== 'expired') {
          throw conflict(`confirmation ${id} is ${record.status} and can no longer be rejected`, { status: record.status });
        }
      }
      return reply.status(204).send(null);
    },
  );
}

/**
 * Solicitations API v1 (HAL+json): getSolicitationActionsForOrder lists `productReviewAndSellerFeedback`
 * only while the order is eligible; the solicitation can be sent once, within
 * [EarliestDeliveryDate + 5 days, LatestDeliveryDate + 30 days] (Solicitations use-case guide).
 * As Amazon does (models#19, docs#121, models#187): sending one for an order already solicited or
 * outside the window answers 403 Unauthorized, not 400; and GET sometimes lists no action for an
 * order that is eligible (the seeded `eligibleUnlisted` order), while the POST for it succeeds.
 */
import type { FastifyInstance } from 'fastify';
import { notFound, unauthorized } from '../errors.js';
import { registerOperation, requireMarketplaceIds, type OpRequest } from '../operation.js';
import type { Host, Sim } from '../sim.js';
import type { OrderRecord } from '../state.js';

const DAY = 86_400_000;
const ACTION = 'productReviewAndSellerFeedback';
const HAL = 'application/hal+json';

function findOrder(op: OpRequest, marketplaceId: string): OrderRecord {
  const id = op.params.amazonOrderId as string;
  const order = op.seller.orders.get(id);
  if (!order || order.marketplaceId !== marketplaceId) {
    throw notFound(`The order ${id} was not found in marketplace ${marketplaceId}.`, 'Check the amazonOrderId and marketplaceIds.');
  }
  return order;
}

const inWindow = (o: OrderRecord, now: number) => now >= o.earliestDeliveryDate + 5 * DAY && now <= o.latestDeliveryDate + 30 * DAY;

export function registerSolicitations(app: FastifyInstance, sim: Sim, host: Host): void {
  registerOperation(
    app,
    sim,
    host,
    { method: 'GET', url: '/solicitations/v1/orders/:amazonOrderId', operationId: 'getSolicitationActionsForOrder', contentType: HAL },
    (op) => {
      const [mp] = requireMarketplaceIds(op, { max: 1 }) as [string];
      const order = findOrder(op, mp);
      const base = `/solicitations/v1/orders/${encodeURIComponent(order.amazonOrderId)}`;
      const eligible = order.solicitedAt === undefined && inWindow(order, Date.now()) && order.actionsUnlisted !== true;
      const actionHref = `${base}/solicitations/${ACTION}?marketplaceIds=${mp}`;
      return {
        status: 200,
        body: {
          _links: { actions: eligible ? [{ href: actionHref, name: ACTION }] : [], self: { href: `${base}?marketplaceIds=${mp}` } },
          _embedded: {
            actions: eligible
              ? [{ _links: { schema: { href: `${base}/solicitations/${ACTION}/schema`, name: ACTION }, self: { href: actionHref, name: ACTION } }, payload: { name: ACTION } }]
              : [],
          },
        },
      };
    },
  );

  registerOperation(
    app,
    sim,
    host,
    {
      method: 'POST',
      url: '/solicitations/v1/orders/:amazonOrderId/solicitations/productReviewAndSellerFeedback',
      operationId: 'createProductReviewAndSellerFeedbackSolicitation',
      contentType: HAL,
    },
    (op) => {
      const [mp] = requireMarketplaceIds(op, { max: 1 }) as [string];
      const order = findOrder(op, mp);
      // Amazon's answer does not say which rule failed: the same 403 for both.
      if (order.solicitedAt !== undefined) {
        throw unauthorized(`A productReviewAndSellerFeedback solicitation was already sent for order ${order.amazonOrderId}.`);
      }
      const now = Date.now();
      if (!inWindow(order, now)) {
        throw unauthorized(`The order ${order.amazonOrderId} is outside the solicitation window.`);
      }
      order.solicitedAt = now;
      return { status: 201, body: {} };
    },
  );
}

/**
 * Solicitations API v1 (HAL+json): getSolicitationActionsForOrder lists `productReviewAndSellerFeedback`
 * only while the order is eligible; the solicitation can be sent once, within
 * [EarliestDeliveryDate + 5 days, LatestDeliveryDate + 30 days] (Solicitations use-case guide).
 */
import type { FastifyInstance } from 'fastify';
import { invalidInput, notFound } from '../errors.js';
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
      const eligible = order.solicitedAt === undefined && inWindow(order, Date.now());
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
      if (order.solicitedAt !== undefined) {
        throw invalidInput(
          `A productReviewAndSellerFeedback solicitation was already sent for order ${order.amazonOrderId}.`,
          'Only one productReviewAndSellerFeedback solicitation can be sent per order.',
        );
      }
      const now = Date.now();
      if (!inWindow(order, now)) {
        throw invalidInput(
          `The productReviewAndSellerFeedback action is not available for order ${order.amazonOrderId}.`,
          'Solicitations can be sent from 5 days after the earliest delivery date until 30 days after the latest delivery date.',
        );
      }
      order.solicitedAt = now;
      return { status: 201, body: {} };
    },
  );
}

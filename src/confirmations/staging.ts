import { randomId } from '../auth/secrets.js';
import type { BrokerServices } from '../services.js';
import type { CapabilityContext, WriteCapability } from '../capabilities/types.js';
import { performClaimed } from './perform.js';
import { insertConfirmation } from './repository.js';
import { CONFIRMATION_TTL_MS } from './types.js';

/**
 * A write capability call (docs/api.md#writes-staged-confirmed-applied-once): the capability checks
 * the write and previews it against Amazon's current state (`stage`, which changes nothing at
 * Amazon); the broker stores it as a confirmation and answers PENDING_CONFIRMATION. When the job
 * token's `auto_apply` names the capability, the confirmation is created already claimed and
 * applied at once (APPLIED).
 */
export async function stageOrApplyWrite(services: BrokerServices, ctx: CapabilityContext<unknown>, capability: WriteCapability): Promise<unknown> {
  const staged = await capability.stage(ctx);
  const now = new Date();
  const id = randomId('cnf');
  const expiresAt = new Date(now.getTime() + CONFIRMATION_TTL_MS);
  const autoApply = ctx.job.autoApply.includes(capability.name);
  const params = staged.applyParams;
  await insertConfirmation(ctx.services.db, {
    id,
    orderId: ctx.job.orderId,
    buyerId: ctx.job.buyerId,
    tokenId: ctx.job.tokenId,
    capability: capability.name,
    marketplaceId: ctx.marketplace.id,
    region: ctx.marketplace.region,
    params,
    preview: {
      summary: staged.summary,
      diff_preview: staged.diffPreview,
      issues: staged.issues,
      selling_partner_id: ctx.connection.sellingPartnerId,
    },
    status: autoApply ? 'applying' : 'pending',
    expiresAt,
    now,
  });
  const shown = { confirm: { summary: staged.summary, diff_preview: staged.diffPreview }, validation: { issues: staged.issues } };
  if (!autoApply) {
    return { status: 'PENDING_CONFIRMATION', confirmation_id: id, expires_at: expiresAt.toISOString(), ...shown };
  }
  const done = await performClaimed(services, capability, { ...ctx, params }, id, now, { releaseWhenNothingSent: false });
  return { status: done.status, confirmation_id: id, expires_at: expiresAt.toISOString(), result: done.result, ...shown };
}

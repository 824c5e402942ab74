import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyBaseLogger } from 'fastify';
import { auditClosed } from '../audit/audit.js';
import { findCapability } from '../capabilities/index.js';
import type { ApplyContext, WriteCapability } from '../capabilities/types.js';
import { findConnection } from '../connections/repository.js';
import { BrokerError, conflict, isBrokerError, notFound } from '../errors.js';
import { findMarketplace } from '../marketplaces/marketplaces.js';
import type { BrokerServices } from '../services.js';
import { isRecoverable, recoveringCapability } from './recovery.js';
import { fromStoredError, performClaimed, storedOutcome, type ApplyStatus } from './perform.js';
import { claimPending, expireDue, findConfirmation, finishClaim, takeOverClaim, type ConfirmationRecord } from './repository.js';
import { APPLY_LEASE_MS, APPLY_POLL_MS, APPLY_WAIT_MS } from './types.js';

/**
 * POST /internal/confirmations/:id/apply — the write reaches Amazon exactly once:
 * - pending: the buyer's connection is re-resolved (revoked → TOKEN_EXPIRED, gone → NO_CONNECTION,
 *   another seller account → refused), then one conditional UPDATE claims it (pending → applying);
 *   only the winner calls Amazon.
 * - applying: a second apply waits for the outcome (polling) and answers the same.
 * - applied / amazon_rejected: the stored result (APPLIED / REJECTED_BY_AMAZON); failed: the stored
 *   error; rejected / expired: 409 INVALID_REQUEST.
 * - applying past its lease (the owner crashed mid-apply, before or after Amazon's answer): where
 *   Amazon can be asked (listings patches read back, review requests' offered action), the broker
 *   looks before it sends (recovery.ts) and the result's `recovery` says what happened. Feeds and
 *   A+ documents are not idempotent and Amazon offers no way to look up whether the lost call
 *   landed, so they become `failed` with a message to check Seller Central, and are never re-sent.
 */

export interface ApplyOptions {
  leaseMs?: number;
  waitMs?: number;
}

export interface AppliedAnswer {
  /** APPLIED only when Amazon accepted the write; REJECTED_BY_AMAZON when it answered and refused it. */
  status: ApplyStatus;
  confirmation_id: string;
  result: unknown;
}


function writeCapability(name: string): WriteCapability {
  const capability = findCapability(name);
  if (capability?.access !== 'write') throw new Error(`confirmation of unknown write capability ${name}`);
  return capability;
}

/** The context an apply runs in: the buyer's current connection for the confirmation's marketplace. */
async function applyContext(services: BrokerServices, record: ConfirmationRecord, log: FastifyBaseLogger): Promise<ApplyContext<unknown>> {
  const connection = await findConnection(services.db, record.buyerId, record.marketplaceId);
  if (!connection) throw new BrokerError('NO_CONNECTION', `the buyer no longer has Amazon connected for marketplace ${record.marketplaceId}; reconnect, then apply again`);
  if (connection.status === 'revoked') throw new BrokerError('TOKEN_EXPIRED', 'the buyer revoked or lost the Amazon authorization; they must reconnect Amazon, then apply again');
  if (connection.sellingPartnerId !== record.preview.selling_partner_id) {
    throw conflict(`confirmation ${record.id} was staged for Amazon seller ${record.preview.selling_partner_id}, but the buyer is now connected as ${connection.sellingPartnerId}; stage the write again`);
  }
  const marketplace = findMarketplace(record.marketplaceId);
  if (!marketplace) throw new Error(`confirmation for unknown marketplace ${record.marketplaceId}`);
  const amazon = services.amazon.forSeller(connection, { log });
  return { params: record.params, marketplace, connection, amazon, services, log };
}

/**
 * Performs a claimed confirmation and audits it. `checked` is the context built before claiming (a
 * pending one); a taken-over interrupted one builds it now.
 */
async function performAudited(
  services: BrokerServices,
  record: ConfirmationRecord,
  claim: Date,
  log: FastifyBaseLogger,
  { checked, interrupted = false }: { checked?: ApplyContext<unknown>; interrupted?: boolean },
): Promise<AppliedAnswer> {
  const started = performance.now();
  let ctx = checked;
  let outcome: string = 'APPLIED';
  let httpStatus = 200;
  try {
    try {
      ctx ??= await applyContext(services, record, log);
    } catch (error) {
      // Nothing was sent: the buyer can fix the connection and apply again.
      await finishClaim(services.db, record.id, claim, { status: 'pending' });
      throw error;
    }
    const capability = interrupted ? recoveringCapability(writeCapability(record.capability)) : writeCapability(record.capability);
    // A released interrupted apply would come back as an ordinary pending one and skip the read-back.
    const done = await performClaimed(services, capability, ctx, record.id, claim, { releaseWhenNothingSent: !interrupted });
    outcome = done.status;
    return { status: done.status, confirmation_id: record.id, result: done.result };
  } catch (error) {
    outcome = isBrokerError(error) ? error.code : 'INTERNAL_ERROR';
    httpStatus = isBrokerError(error) ? error.httpStatus : 500;
    throw error;
  } finally {
    services.audit.record({
      time: new Date(),
      event: 'confirmation_apply',
      orderId: record.orderId,
      buyerId: record.buyerId,
      tokenId: record.tokenId,
      toolId: record.toolId,
      confirmationId: record.id,
      capability: record.capability,
      marketplaceId: record.marketplaceId,
      outcome,
      httpStatus,
      latencyMs: performance.now() - started,
      amazonRequestIds: ctx ? [...ctx.amazon.requestIds] : [],
    });
  }
}

export async function applyConfirmation(services: BrokerServices, id: string, log: FastifyBaseLogger, options: ApplyOptions = {}): Promise<AppliedAnswer> {
  const leaseMs = options.leaseMs ?? APPLY_LEASE_MS;
  const deadline = Date.now() + (options.waitMs ?? APPLY_WAIT_MS);
  for (;;) {
    const record = await findConfirmation(services.db, id);
    if (!record) throw notFound(`unknown confirmation ${id}`, { field: 'id' });
    if (record.status === 'pending' && record.expiresAt.getTime() <= Date.now()) {
      auditClosed(services.audit, await expireDue(services.db, { id }), 'EXPIRED');
      continue;
    }
    switch (record.status) {
      case 'applied':
      case 'amazon_rejected':
        return { confirmation_id: id, ...storedOutcome(record.status, record.result) };
      case 'failed':
        throw fromStoredError(record.error ?? { code: 'INTERNAL_ERROR', message: `confirmation ${id} failed`, http_status: 500 });
      case 'rejected':
        if (record.orderDeleted) throw new BrokerError('ORDER_NOT_FOUND', `order ${record.orderId} was deleted; its confirmations can no longer be applied`);
        throw conflict(`confirmation ${id} was rejected and can no longer be applied`, { status: 'rejected' });
      case 'expired':
        throw conflict(`confirmation ${id} expired at ${record.expiresAt.toISOString()} without being applied; stage the write again`, { status: 'expired' });
      case 'pending': {
        if (record.orderDeleted) throw new BrokerError('ORDER_NOT_FOUND', `order ${record.orderId} was deleted; its confirmations can no longer be applied`);
        // The connection is checked before the claim, so a revoked one answers without taking it.
        const checked = await applyContext(services, record, log);
        const claim = await claimPending(services.db, id);
        if (!claim) continue;
        return performAudited(services, record, claim, log, { checked });
      }
      case 'applying': {
        if (record.updatedAt.getTime() + leaseMs > Date.now()) {
          if (Date.now() >= deadline) {
            throw new BrokerError('RATE_LIMIT', `confirmation ${id} is still being applied; retry shortly`, { retryAfterS: 1 });
          }
          await sleep(APPLY_POLL_MS);
          continue;
        }
        if (!isRecoverable(writeCapability(record.capability))) {
          await finishClaim(services.db, id, record.updatedAt, {
            status: 'failed',
            error: {
              code: 'INVALID_REQUEST',
              message: `confirmation ${id} (${record.capability}) was interrupted while being applied and it is unknown whether Amazon received it; it is not idempotent, so the broker will not re-send it: check Seller Central, and stage it again if it did not arrive`,
              http_status: 409,
              details: { status: 'failed', reason: 'APPLY_INTERRUPTED' },
            },
          });
          continue;
        }
        const claim = await takeOverClaim(services.db, id, record.updatedAt);
        if (!claim) continue;
        log.warn({ confirmation_id: id, capability: record.capability }, 'recovering an interrupted apply: reading Amazon back before sending');
        return performAudited(services, record, claim, log, { interrupted: true });
      }
    }
  }
}

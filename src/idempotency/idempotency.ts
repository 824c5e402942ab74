import { setTimeout as sleep } from 'node:timers/promises';
import { sha256Hex } from '../auth/secrets.js';
import type { Db } from '../db/database.js';
import { BrokerError, errorBody, unprocessable } from '../errors.js';

/**
 * Idempotency-Key (docs/writes.md#idempotency-key): per order, the first answer to a key is stored
 * with a fingerprint of the request and replayed for 24 h; a duplicate arriving while the first
 * runs waits for it (on any instance: the record lives in Postgres); the same key with another body
 * is 422.
 * Transient failures (rate limits, retryable upstream errors) are not pinned: a retry runs again;
 * every other answer is, including a failed write that may have reached Amazon.
 */
const RETENTION_MS = 24 * 60 * 60 * 1000;
/** Longer than the longest call (report waits of 55 s plus Amazon time), so a live run is never taken over. */
const LEASE_MS = 120_000;
const POLL_MS = 100;

export interface IdempotentResult {
  statusCode: number;
  body: unknown;
  retryAfter?: string;
  /** Safe to run again: nothing reached Amazon, or only reads did (rate limits, retryable upstream errors). */
  transient?: boolean;
  /** This is the stored first answer, not a new run. */
  replayed?: boolean;
}

/** An array or object being written: its items (or its keys, sorted) and how far it got. */
interface Open {
  node: Record<string, unknown> | unknown[];
  keys: string[] | undefined;
  next: number;
}

/**
 * Canonical JSON: key order must not change the fingerprint. Written without recursion (a frame
 * per open array or object), so no nesting of a caller's body can overflow the stack; the text is
 * the same as JSON.stringify's with object keys sorted and undefined members left out.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  const open: Open[] = [];
  let pending = true;
  let next: unknown = value;
  for (;;) {
    if (pending) {
      pending = false;
      if (Array.isArray(next)) {
        out.push('[');
        open.push({ node: next, keys: undefined, next: 0 });
      } else if (next && typeof next === 'object') {
        const node = next as Record<string, unknown>;
        const keys = Object.keys(node)
          .filter((key) => node[key] !== undefined)
          .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        out.push('{');
        open.push({ node, keys, next: 0 });
      } else {
        out.push(JSON.stringify(next) ?? 'null');
      }
    }
    const top = open[open.length - 1];
    if (!top) return out.join('');
    const length = top.keys ? top.keys.length : (top.node as unknown[]).length;
    if (top.next >= length) {
      out.push(top.keys ? '}' : ']');
      open.pop();
      continue;
    }
    if (top.next > 0) out.push(',');
    if (top.keys) {
      const key = top.keys[top.next] as string;
      out.push(`${JSON.stringify(key)}:`);
      next = (top.node as Record<string, unknown>)[key];
    } else {
      next = (top.node as unknown[])[top.next];
    }
    top.next += 1;
    pending = true;
  }
}

export async function executeIdempotently(
  db: Db,
  orderId: string,
  key: string,
  request: unknown,
  run: () => Promise<IdempotentResult>,
  options: { maxWaitMs?: number } = {},
): Promise<IdempotentResult> {
  const fingerprint = sha256Hex(canonicalJson(request));
  const deadline = Date.now() + (options.maxWaitMs ?? LEASE_MS);
  for (;;) {
    const now = new Date();
    const claimed = await db
      .insertInto('idempotency_records')
      .values({
        order_id: orderId,
        idempotency_key: key,
        fingerprint,
        state: 'running',
        lease_expires_at: new Date(now.getTime() + LEASE_MS),
        expires_at: new Date(now.getTime() + RETENTION_MS),
      })
      .onConflict((oc) => oc.columns(['order_id', 'idempotency_key']).doNothing())
      .returning('order_id')
      .executeTakeFirst();
    if (claimed) return finish(db, orderId, key, run);

    const record = await db
      .selectFrom('idempotency_records')
      .selectAll()
      .where('order_id', '=', orderId)
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
    if (!record) continue; // removed between our insert and read: claim again
    if (record.expires_at.getTime() <= now.getTime()) {
      await removeRecord(db, orderId, key, record.fingerprint, record.state);
      continue;
    }
    if (record.fingerprint !== fingerprint) {
      throw unprocessable('this Idempotency-Key was already used with a different request body', { field: 'Idempotency-Key' });
    }
    if (record.state === 'done') {
      return {
        statusCode: record.status_code ?? 200,
        body: record.response === null ? null : (JSON.parse(record.response) as unknown),
        replayed: true,
      };
    }
    if (record.lease_expires_at.getTime() <= now.getTime()) {
      // The instance running it died: take the lease over, once.
      const taken = await db
        .updateTable('idempotency_records')
        .set({ lease_expires_at: new Date(now.getTime() + LEASE_MS) })
        .where('order_id', '=', orderId)
        .where('idempotency_key', '=', key)
        .where('state', '=', 'running')
        .where('lease_expires_at', '=', record.lease_expires_at)
        .executeTakeFirst();
      if (taken.numUpdatedRows > 0n) return finish(db, orderId, key, run);
      continue;
    }
    if (Date.now() >= deadline) {
      const busy = new BrokerError('RATE_LIMIT', 'a request with this Idempotency-Key is still running; retry shortly', { retryAfterS: 1 });
      return { statusCode: 429, body: errorBody(busy), retryAfter: '1' };
    }
    await sleep(POLL_MS);
  }
}

async function finish(db: Db, orderId: string, key: string, run: () => Promise<IdempotentResult>): Promise<IdempotentResult> {
  let result: IdempotentResult;
  try {
    result = await run();
  } catch (error) {
    await removeRecord(db, orderId, key);
    throw error;
  }
  // Anything else is pinned, failures included: a write that may have reached Amazon is never re-sent.
  if (result.transient) {
    await removeRecord(db, orderId, key);
    return result;
  }
  await db
    .updateTable('idempotency_records')
    .set({ state: 'done', status_code: result.statusCode, response: JSON.stringify(result.body) })
    .where('order_id', '=', orderId)
    .where('idempotency_key', '=', key)
    .execute();
  return result;
}

async function removeRecord(db: Db, orderId: string, key: string, fingerprint?: string, state?: 'running' | 'done') {
  let query = db.deleteFrom('idempotency_records').where('order_id', '=', orderId).where('idempotency_key', '=', key);
  if (fingerprint) query = query.where('fingerprint', '=', fingerprint);
  if (state) query = query.where('state', '=', state);
  await query.execute();
}

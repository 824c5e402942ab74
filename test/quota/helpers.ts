import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { RedisClient } from '../../src/store/redis-client.js';
import { pino, type Logger } from 'pino';
import type { QuotaKey } from '../../src/quota/types.js';
import { REDIS_URL } from '../helpers/services.js';

/** The run's REDIS_URL, for the tests that `missing('Redis')` lets run. */
export function redisUrl(): string {
  if (!REDIS_URL) throw new Error("REDIS_URL is not set: guard this test with missing('Redis') (test/helpers/services.ts)");
  return REDIS_URL;
}

/** A prefix no other test file (or run) shares. */
export const uniquePrefix = (name: string) => `test:quota:${name}:${randomBytes(4).toString('hex')}:`;

/** A connection like the broker's RedisStore makes: fails fast instead of queueing forever. */
export function connectRedis(url = redisUrl()) {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: (times) => Math.min(times * 100, 500),
  });
  redis.on('error', () => {});
  return redis;
}

/** Deletes a test's keys (tests run these against a single Redis, REDIS_URL). */
export async function deleteKeys(client: RedisClient, prefix: string) {
  const redis = client as Redis;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

export function captureLog(): { log: Logger; lines: Array<{ level: number; msg: string }> } {
  const lines: Array<{ level: number; msg: string }> = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { log, lines };
}

let sellerCounter = 0;
export const sellerKey = (operation: QuotaKey['operation'] = 'getListingsItem', sellingPartnerId?: string): QuotaKey => ({
  sellingPartnerId: sellingPartnerId ?? `A${(sellerCounter += 1)}SELLER${randomBytes(3).toString('hex').toUpperCase()}`,
  region: 'NA',
  operation,
});

export const elapsedSince = (start: number) => performance.now() - start;

/** Polls until `check()` is true or `timeoutMs` passes. */
export async function eventually(check: () => boolean, timeoutMs = 5_000, everyMs = 20) {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > timeoutMs) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A command as ioredis hands it to the connection (EVALSHA's args: sha, numkeys, keys…, argv…). */
export interface SentCommand {
  name: string;
  args: unknown[];
}

/**
 * Records every command `client` sends until `restore()`. `holdMs(command, index)` > 0 sends that
 * command that much later (its caller still gets its answer), to keep a round trip on its way.
 */
export function recordCommands(client: RedisClient, holdMs: (command: SentCommand, index: number) => number = () => 0) {
  const redis = client as Redis;
  const sent: SentCommand[] = [];
  const original = redis.sendCommand.bind(redis);
  redis.sendCommand = ((command: SentCommand & { promise: Promise<unknown> }, ...rest: unknown[]) => {
    // As sent: ioredis may turn the same command into an EVAL afterwards (NOSCRIPT).
    const hold = holdMs(command, sent.push({ name: command.name, args: [...command.args] }) - 1);
    const send = () => (original as (...args: unknown[]) => unknown)(command, ...rest);
    if (hold <= 0) return send();
    setTimeout(send, hold);
    return command.promise;
  }) as unknown as typeof redis.sendCommand;
  return {
    sent,
    restore: () => {
      redis.sendCommand = original;
    },
  };
}

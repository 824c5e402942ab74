import { createHash } from 'node:crypto';
import type { SharedStore } from '../../store/shared-store.js';
import type { AmazonApi } from '../../spapi/types.js';

/** Stable short hash of a JSON value (cache keys, report fingerprints). */
export function hashJson(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('base64url');
}

/**
 * Answers of low-quota reads (Catalog Items: 2 rps, burst 2 per seller), cached briefly. The key
 * holds the region, the selling partner and every param, so an answer never crosses sellers.
 * Only successes are cached; a store outage just means calling Amazon.
 */
export async function cachedRead<T>(
  store: SharedStore,
  amazon: AmazonApi,
  name: string,
  keyParts: unknown,
  ttlMs: number,
  load: () => Promise<T>,
): Promise<T> {
  const { region, sellingPartnerId } = amazon.seller;
  const key = `read-cache:${name}:${region}:${sellingPartnerId}:${hashJson(keyParts)}`;
  const cached = await store.get(key).catch(() => null);
  if (cached !== null) {
    try {
      return JSON.parse(cached) as T;
    } catch {
      // a corrupt entry: fall through to Amazon
    }
  }
  const value = await load();
  await store.set(key, JSON.stringify(value), ttlMs).catch(() => {});
  return value;
}

export const CATALOG_CACHE_TTL_MS = 60_000;

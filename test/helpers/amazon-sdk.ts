import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Amazon's official JavaScript SDK for the Selling Partner API (a devDependency): its API classes
 * drive the simulator in test/simulator/official-sdk.test.ts, and its default rate map holds the
 * broker's quota table in test/quota/rates.test.ts.
 */
export const SDK_PACKAGE = '@amazon-sp-api-release/amazon-sp-api-sdk-js';

/** The SDK's own files (its package exports only the index, so helpers are reached by path). */
export function sdkFileUrl(relative: string): string {
  const index = createRequire(import.meta.url).resolve(SDK_PACKAGE);
  return pathToFileURL(path.join(path.dirname(index), relative)).href;
}

export interface SdkRate {
  /** The map's key, `<Api class>-<operationId>`. */
  key: string;
  /** Requests per second: the map's count divided by its period (seconds, 1 when absent). */
  rate: number;
  burst: number;
}

/**
 * helper/DefaultRateLimitMap.mjs by operationId: each entry is [requests, burst, period in seconds]
 * (DefaultRateLimitFetcher.getLimit divides the first by the third, missing values count as 1).
 * An operationId found under two API classes keeps both keys, comma-separated, so a caller can
 * refuse to guess which one it meant.
 */
export async function sdkDefaultRates(): Promise<Map<string, SdkRate>> {
  const { defaultRateLimitMap } = (await import(sdkFileUrl('helper/DefaultRateLimitMap.mjs'))) as { defaultRateLimitMap: Record<string, number[]> };
  const rates = new Map<string, SdkRate>();
  for (const [key, values] of Object.entries(defaultRateLimitMap)) {
    const operation = key.slice(key.indexOf('-') + 1);
    const [requests = 1, burst = 1, period = 1] = values;
    const previous = rates.get(operation);
    rates.set(operation, { key: previous ? `${previous.key}, ${key}` : key, rate: requests / period, burst });
  }
  return rates;
}

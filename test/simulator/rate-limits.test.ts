/** The simulator's usage-plan table must equal the rate/burst printed in Amazon's model descriptions. */
import { describe, expect, it } from 'vitest';
import { RATE_LIMITS } from '../../src/simulator/index.js';
import { DOCUMENTED_OVERRIDES, NOT_IN_COPIED_MODELS } from '../../src/simulator/rate-limits.js';
import { MODELS_DIR, MODELS_PRESENT, readModel } from './helpers.js';

if (!MODELS_PRESENT) console.warn(`[simulator rate limits] SKIPPED: Amazon models not found at ${MODELS_DIR}`);

const FILES = ['sellers.json', 'listingsItems_2021-08-01.json', 'catalogItems_2022-04-01.json', 'sales.json', 'reports_2021-06-30.json', 'feeds_2021-06-30.json', 'aplusContent_2020-11-01.json', 'solicitations.json'];

describe.skipIf(!MODELS_PRESENT)('rate limits table', () => {
  it('matches the "Rate (requests per second) | Burst" table of every operation description', () => {
    const fromModels: Record<string, { rate: number; burst: number }> = {};
    for (const file of FILES) {
      const model = readModel(file) as { paths: Record<string, Record<string, { operationId?: string; description?: string }>> };
      for (const methods of Object.values(model.paths)) {
        for (const op of Object.values(methods)) {
          const m = /\|\s*([\d.]+)\s*\|\s*([\d.]+)\s*\|/.exec(op?.description ?? '');
          if (op?.operationId && m) fromModels[op.operationId] = { rate: Number(m[1]), burst: Number(m[2]) };
        }
      }
    }
    for (const [op, limit] of Object.entries(RATE_LIMITS)) {
      if (NOT_IN_COPIED_MODELS.includes(op)) continue;
      expect(fromModels[op], `${op} is in the models`).toBeDefined();
      if (DOCUMENTED_OVERRIDES.includes(op)) expect(limit.burst, op).toBeLessThan(fromModels[op]!.burst);
      else expect(limit, op).toEqual(fromModels[op]);
    }
    expect(Object.keys(RATE_LIMITS).length).toBeGreaterThanOrEqual(25);
  });
});

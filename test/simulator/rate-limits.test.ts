/** The simulator's usage-plan table must equal the rate/burst printed in Amazon's model descriptions. */
import { describe, expect, it } from 'vitest';
import { RATE_LIMITS } from '../../src/simulator/index.js';
import { DOCUMENTED_OVERRIDES } from '../../src/simulator/rate-limits.js';
import { amazonApiModelFiles } from '../helpers/amazon-models.js';
import { readModel } from './helpers.js';

describe('rate limits table', () => {
  it('matches the "Rate (requests per second) | Burst" table of every operation description', () => {
    const files = amazonApiModelFiles();
    expect(files).toContain('uploads_2020-11-01.json');
    const fromModels: Record<string, { rate: number; burst: number }> = {};
    for (const file of files) {
      const model = readModel(file) as { paths: Record<string, Record<string, { operationId?: string; description?: string }>> };
      for (const methods of Object.values(model.paths)) {
        for (const op of Object.values(methods)) {
          const m = /\|\s*([\d.]+)\s*\|\s*([\d.]+)\s*\|/.exec(op?.description ?? '');
          if (op?.operationId && m) fromModels[op.operationId] = { rate: Number(m[1]), burst: Number(m[2]) };
        }
      }
    }
    for (const [op, limit] of Object.entries(RATE_LIMITS)) {
      expect(fromModels[op], `${op} is in the models`).toBeDefined();
      if (DOCUMENTED_OVERRIDES.includes(op)) expect(limit.burst, op).toBeLessThan(fromModels[op]!.burst);
      else expect(limit, op).toEqual(fromModels[op]);
    }
    expect(Object.keys(RATE_LIMITS).length).toBeGreaterThanOrEqual(25);
  });
});

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONSERVATIVE_OVERRIDES, MODEL_RATES, OPERATION_RATES } from '../../src/quota/rates.js';
import type { OperationName } from '../../src/spapi/types.js';
import { RATE_LIMITS as SIMULATOR_RATE_LIMITS } from '../../src/simulator/rate-limits.js';

const MODELS_DIR = resolve(process.cwd(), '../shared/spapi/models');
const haveModels = existsSync(MODELS_DIR);
if (!haveModels) console.warn(`[rates.test] SKIPPED: ${MODELS_DIR} is absent, the rate table is not checked against Amazon's models`);

/** operationId → the rate/burst row of the markdown table in its description. */
function modelRates(): Map<string, { rate: number; burst: number }> {
  const found = new Map<string, { rate: number; burst: number }>();
  for (const file of readdirSync(MODELS_DIR).filter((f) => f.endsWith('.json'))) {
    const doc = JSON.parse(readFileSync(join(MODELS_DIR, file), 'utf8')) as { paths?: Record<string, Record<string, unknown>> };
    for (const methods of Object.values(doc.paths ?? {})) {
      for (const operation of Object.values(methods)) {
        const { operationId, description } = (operation ?? {}) as { operationId?: string; description?: string };
        if (!operationId || !description) continue;
        const row = /\|\s*Rate \(requests per second\)\s*\|\s*Burst\s*\|\s*\n\|[-\s|]+\|\s*\n\|\s*([\d.]+)\s*\|\s*(\d+)\s*\|/.exec(description);
        if (row?.[1] && row[2]) found.set(operationId, { rate: Number(row[1]), burst: Number(row[2]) });
      }
    }
  }
  return found;
}

describe.skipIf(!haveModels)('OPERATION_RATES against the SP-API models', () => {
  const fromModels = haveModels ? modelRates() : new Map();
  // The Uploads API model is not among the copied models (REFERENCE §F-6 quotes its rate).
  const NOT_COPIED = new Set<OperationName>(['createUploadDestinationForResource']);
  const operations = (Object.keys(MODEL_RATES) as OperationName[]).filter((operation) => !NOT_COPIED.has(operation));

  it.each(operations)('%s matches the rate and burst in its model description', (operation) => {
    expect(fromModels.get(operation), `no rate table for ${operation} in the models`).toEqual(MODEL_RATES[operation]);
  });

  it('enforces the model (or a documented lower override) with one token of each burst in reserve', () => {
    for (const operation of operations) {
      const enforced = OPERATION_RATES[operation];
      const model = MODEL_RATES[operation];
      const planned = CONSERVATIVE_OVERRIDES[operation] ?? model;
      expect(planned.rate).toBeLessThanOrEqual(model.rate);
      expect(planned.burst).toBeLessThanOrEqual(model.burst);
      expect(enforced).toEqual({ rate: planned.rate, burst: Math.max(1, planned.burst - 1) });
    }
  });
});

describe('OPERATION_RATES', () => {
  it('has a positive rate and an integer burst ≥ 1 for every operation', () => {
    for (const { rate, burst } of Object.values(OPERATION_RATES)) {
      expect(rate).toBeGreaterThan(0);
      expect(Number.isInteger(burst) && burst >= 1).toBe(true);
    }
  });

  it('plans A+ Content at 1 rps (REFERENCE §D-5)', () => {
    expect(OPERATION_RATES.createContentDocument.rate).toBe(1);
    expect(OPERATION_RATES.postContentDocumentApprovalSubmission.rate).toBe(1);
  });
});

describe('OPERATION_RATES against the simulator (Amazon as its rate-limit pages document it)', () => {
  it('never plans a burst or rate above what Amazon enforces, e.g. getListingsItem burst 5', () => {
    for (const [operation, enforced] of Object.entries(OPERATION_RATES)) {
      const amazon = SIMULATOR_RATE_LIMITS[operation];
      expect(amazon, `${operation} is in the simulator's table`).toBeDefined();
      expect(enforced.rate, operation).toBeLessThanOrEqual(amazon!.rate);
      expect(enforced.burst, operation).toBeLessThanOrEqual(amazon!.burst);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { CONSERVATIVE_OVERRIDES, MODEL_RATES, OPERATION_RATES } from '../../src/quota/rates.js';
import type { OperationName } from '../../src/spapi/types.js';
import { RATE_LIMITS as SIMULATOR_RATE_LIMITS } from '../../src/simulator/rate-limits.js';
import { amazonApiModelFiles, readAmazonModel } from '../helpers/amazon-models.js';
import { sdkDefaultRates } from '../helpers/amazon-sdk.js';

const OPERATIONS = Object.keys(MODEL_RATES) as OperationName[];

/** operationId → the rate/burst row of the markdown table in its description (vendor/amazon-sp-api-models). */
function modelRates(): Map<string, { rate: number; burst: number }> {
  const found = new Map<string, { rate: number; burst: number }>();
  for (const file of amazonApiModelFiles()) {
    const doc = readAmazonModel(file) as { paths?: Record<string, Record<string, unknown>> };
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

describe('OPERATION_RATES against the SP-API models', () => {
  const fromModels = modelRates();

  it.each(OPERATIONS)('%s matches the rate and burst in its model description', (operation) => {
    expect(fromModels.get(operation), `no rate table for ${operation} in the models`).toEqual(MODEL_RATES[operation]);
  });

  it('enforces the model (or a documented lower override) with one token of each burst in reserve', () => {
    for (const operation of OPERATIONS) {
      const enforced = OPERATION_RATES[operation];
      const model = MODEL_RATES[operation];
      const planned = CONSERVATIVE_OVERRIDES[operation] ?? model;
      expect(planned.rate).toBeLessThanOrEqual(model.rate);
      expect(planned.burst).toBeLessThanOrEqual(model.burst);
      expect(enforced).toEqual({ rate: planned.rate, burst: Math.max(1, planned.burst - 1) });
    }
  });
});

describe("OPERATION_RATES against Amazon's SDK (helper/DefaultRateLimitMap.mjs)", async () => {
  const sdk = await sdkDefaultRates();

  it.each(OPERATIONS)('%s is never planned above the SDK’s default rate and burst', (operation) => {
    const theirs = sdk.get(operation);
    expect(theirs, `${operation} is in the SDK's map`).toBeDefined();
    expect(theirs!.key, `${operation} is under one API class only`).not.toContain(',');
    const planned = CONSERVATIVE_OVERRIDES[operation] ?? MODEL_RATES[operation];
    expect(planned.rate, `${operation} rate (SDK ${theirs!.key}: ${theirs!.rate})`).toBeLessThanOrEqual(theirs!.rate);
    expect(planned.burst, `${operation} burst (SDK ${theirs!.key}: ${theirs!.burst})`).toBeLessThanOrEqual(theirs!.burst);
  });

  it('reads the map as the SDK does: [requests, burst, period s]', () => {
    expect(sdk.get('createReport')).toEqual({ key: 'ReportsApi-createReport', rate: 1 / 60, burst: 15 });
    expect(sdk.get('getListingsItem')).toEqual({ key: 'ListingsApi-getListingsItem', rate: 5, burst: 5 });
  });
});

describe('OPERATION_RATES', () => {
  it('has a positive rate and an integer burst ≥ 1 for every operation', () => {
    for (const { rate, burst } of Object.values(OPERATION_RATES)) {
      expect(rate).toBeGreaterThan(0);
      expect(Number.isInteger(burst) && burst >= 1).toBe(true);
    }
  });

  it('plans A+ Content at 1 rps (docs/amazon.md#rate-limits)', () => {
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

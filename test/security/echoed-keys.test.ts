import { describe, expect, it } from 'vitest';
import { at } from '../../src/writes/violations.js';
import { callCapability, mintToken } from '../helpers/app.js';
import { useTestApp } from '../helpers/harness.js';

/** A caller's key is named in an error, never sent back whole: a 1 MB key must not make a 1 MB answer. */
const t = useTestApp();

describe('keys echoed in errors', () => {
  it('clips an unknown params field to 64 characters in the message and details', async () => {
    const { jobToken } = await mintToken(t, { capabilities: ['products.list'] });
    const key = 'k'.repeat(1_000_000);
    const response = await callCapability(t.app, jobToken, 'products.list', { [key]: 1 });
    expect(response.statusCode).toBe(400);
    expect(response.body.length).toBeLessThan(2_000);
    expect(response.json().error.details.field).toBe(`params.${'k'.repeat(64)}…`);
  });

  it('clips names but never the path built so far', () => {
    const long = 'params.content_document.content_module_list.0.standardComparisonTable.productColumns';
    expect(at(long, 0, 'x'.repeat(100))).toBe(`${long}.0.${'x'.repeat(64)}…`);
  });
});

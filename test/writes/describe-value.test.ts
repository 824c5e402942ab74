import { describe, expect, it } from 'vitest';
import { describeValues } from '../../src/writes/listing-diff.js';

/** Write summaries show structured attribute values as readable phrases, never as JSON cut mid-way. */
describe('describeValues', () => {
  const mp = { marketplace_id: 'ATVPDKIKX0DER' };
  it('prices', () => {
    expect(describeValues([{ currency: 'USD', audience: 'ALL', our_price: [{ schedule: [{ value_with_tax: 24.99 }] }], ...mp }])).toBe('24.99 USD');
    expect(describeValues([{ currency: 'USD', value: 30.99, ...mp }])).toBe('30.99 USD');
  });

  it('dimensions, weights and quantities', () => {
    const side = (value: number) => ({ value, unit: 'inches' });
    expect(describeValues([{ length: side(10), width: side(6), height: side(4), ...mp }])).toBe('10 × 6 × 4 inches');
    expect(describeValues([{ value: 1.2, unit: 'pounds', ...mp }])).toBe('1.2 pounds');
    expect(describeValues([{ fulfillment_channel_code: 'DEFAULT', quantity: 25 }])).toBe('quantity 25 (DEFAULT)');
  });

  it('clips a structured value whose unit or currency is long', () => {
    const long = describeValues([{ value: 1.2, unit: 'x'.repeat(25_000), ...mp }]);
    expect(long.length).toBeLessThanOrEqual(60);
    expect(long).toMatch(/^1\.2 x+…$/);
  });

  it('text, several values and unknown shapes', () => {
    expect(describeValues([{ value: 'A mug', language_tag: 'en_US', ...mp }, { value: 'Another' }])).toBe('"A mug" (+1 more)');
    expect(describeValues([])).toBe('nothing');
    const other = describeValues([{ type: 'ean', value_code: '4061293604325', nested: { deep: true }, ...mp }]);
    expect(other).toBe('type ean, value code 4061293604325, nested …');
    expect(other).not.toMatch(/[{}[\]"]/);
  });
});

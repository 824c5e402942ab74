import { describe, expect, it } from 'vitest';
import { applyPatchesLocally, describeValues, diffAttributes, diffPatches } from '../../src/writes/listing-diff.js';

const US = 'ATVPDKIKX0DER';
const before = {
  item_name: [{ value: 'Old title', language_tag: 'en_US', marketplace_id: US }],
  bullet_point: [
    { value: 'One', language_tag: 'en_US', marketplace_id: US },
    { value: 'Two', language_tag: 'en_US', marketplace_id: US },
  ],
  brand: [{ value: 'Acme' }],
};

describe('listing diff', () => {
  it('replace/add set the marketplace values; delete removes; untouched attributes are not listed', () => {
    const diff = diffPatches(
      before,
      [
        { op: 'replace', path: '/attributes/item_name', value: [{ value: 'New title', language_tag: 'en_US', marketplace_id: US }] },
        { op: 'delete', path: '/attributes/bullet_point' },
        { op: 'add', path: '/attributes/color', value: [{ value: 'White', marketplace_id: US }] },
      ],
      US,
    );
    expect(diff).toEqual([
      { path: '/attributes/item_name', before: before.item_name, after: [{ value: 'New title', language_tag: 'en_US', marketplace_id: US }] },
      { path: '/attributes/bullet_point', before: before.bullet_point, after: null },
      { path: '/attributes/color', before: null, after: [{ value: 'White', marketplace_id: US }] },
    ]);
  });

  it('delete with values removes only the matching slot; several patches on one attribute give one entry', () => {
    const after = applyPatchesLocally(before, [{ op: 'delete', path: '/attributes/bullet_point', value: [{ marketplace_id: US, language_tag: 'en_US' }] }], US);
    expect(after.bullet_point).toBeUndefined();
    const diff = diffPatches(before, [
      { op: 'replace', path: '/attributes/item_name', value: [{ value: 'A', marketplace_id: US }] },
      { op: 'replace', path: '/attributes/item_name', value: [{ value: 'B', marketplace_id: US }] },
    ], US);
    expect(diff).toEqual([{ path: '/attributes/item_name', before: before.item_name, after: [{ value: 'B', marketplace_id: US }] }]);
  });

  it('never changes the input', () => {
    const copy = structuredClone(before);
    diffPatches(before, [{ op: 'delete', path: '/attributes/brand' }], US);
    expect(before).toEqual(copy);
  });

  it('full UPDATE lists the attributes it removes', () => {
    expect(diffAttributes(before, { item_name: [{ value: 'X' }] }, true).map((d) => [d.path, d.after === null])).toEqual([
      ['/attributes/item_name', false],
      ['/attributes/bullet_point', true],
      ['/attributes/brand', true],
    ]);
    expect(diffAttributes(before, { item_name: [{ value: 'X' }] }, false)).toHaveLength(1);
  });

  it('describes values briefly for summaries', () => {
    expect(describeValues(null)).toBe('nothing');
    expect(describeValues(before.bullet_point)).toBe('"One" (+1 more)');
    expect(describeValues([{ media_location: 'https://x/y.jpg' }])).toBe('"https://x/y.jpg"');
  });
});

import type { DiffEntry } from '../capabilities/types.js';
import { TOP_LEVEL_PATH, type PatchInput } from './listing-rules.js';
import { describeValue } from './describe-value.js';

/**
 * The before/after of a listing patch, per attribute path, computed from the attributes Amazon
 * returned for the marketplace (getListingsItem, includedData=attributes) — never from the caller.
 * Semantics follow patchListingsItem: add/replace set the attribute's values for the marketplace,
 * delete without values removes the attribute, delete with values removes the matching values
 * (same marketplace_id and language_tag), merge updates matching values.
 */
export type Attributes = Record<string, unknown[]>;
type Value = Record<string, unknown>;

const sameSlot = (a: Value, b: Value) => a.marketplace_id === b.marketplace_id && a.language_tag === b.language_tag;

export function applyPatchesLocally(before: Attributes, patches: readonly PatchInput[], marketplaceId: string): Attributes {
  const after: Attributes = structuredClone(before);
  const inScope = (v: unknown) => {
    const mp = (v as Value | null)?.marketplace_id;
    return mp === undefined || mp === marketplaceId;
  };
  for (const patch of patches) {
    const name = TOP_LEVEL_PATH.exec(patch.path)?.[1];
    if (!name) continue;
    const existing = (after[name] ?? []) as Value[];
    const values = structuredClone(patch.value ?? []);
    let next: Value[];
    switch (patch.op) {
      case 'add':
      case 'replace':
        next = [...existing.filter((v) => !inScope(v)), ...values];
        break;
      case 'merge':
        next = [...existing];
        for (const v of values) {
          const i = next.findIndex((e) => sameSlot(e, v));
          if (i >= 0) next[i] = { ...next[i], ...v };
          else next.push(v);
        }
        break;
      default:
        next = values.length === 0 ? existing.filter((v) => !inScope(v)) : existing.filter((e) => !values.some((v) => sameSlot(e, v)));
    }
    if (next.length > 0) after[name] = next;
    else delete after[name];
  }
  return after;
}

/** One entry per attribute the patches touch, in first-touched order; `null` where the attribute is absent. */
export function diffPatches(before: Attributes, patches: readonly PatchInput[], marketplaceId: string): DiffEntry[] {
  const after = applyPatchesLocally(before, patches, marketplaceId);
  const names = [...new Set(patches.flatMap((p) => TOP_LEVEL_PATH.exec(p.path)?.[1] ?? []))];
  return names.map((name) => ({ path: `/attributes/${name}`, before: before[name] ?? null, after: after[name] ?? null }));
}

/** Whole-attribute replacement (feed UPDATE / PARTIAL_UPDATE messages). */
export function diffAttributes(before: Attributes, attributes: Attributes, fullReplace: boolean): DiffEntry[] {
  const entries: DiffEntry[] = Object.entries(attributes).map(([name, value]) => ({ path: `/attributes/${name}`, before: before[name] ?? null, after: value }));
  if (fullReplace) {
    for (const [name, value] of Object.entries(before)) {
      if (!(name in attributes)) entries.push({ path: `/attributes/${name}`, before: value, after: null });
    }
  }
  return entries;
}

/** A short readable text of a value list for summaries: the first value, and how many more. */
export function describeValues(values: unknown): string {
  if (!Array.isArray(values) || values.length === 0) return 'nothing';
  const shown = describeValue(values[0]);
  return values.length > 1 ? `${shown} (+${values.length - 1} more)` : shown;
}

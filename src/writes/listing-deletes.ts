import type { ValidationIssue } from '../capabilities/types.js';
import type { Attributes } from './listing-diff.js';
import { TOP_LEVEL_PATH, type PatchInput } from './listing-rules.js';
import { at, violation, type Violation } from './violations.js';

/**
 * Amazon: "Attributes cannot be deleted by name alone"; a delete carries the selector values
 * (marketplace_id, language_tag, …) of the instances it removes
 * (https://developer-docs.amazon.com/sp-api/docs/partially-update-a-listing). An agent that asks to
 * delete an attribute by name means "its values in this marketplace", so the broker names them from
 * the listing Amazon returned and says so; when the listing has none there, nothing can be named
 * and the delete is refused on its `value` field.
 */
const SELECTORS = ['marketplace_id', 'language_tag'] as const;

type Value = Record<string, unknown>;

/** The selector values of the attribute's current instances in the marketplace, without repeats. */
function selectorsOf(instances: readonly unknown[], marketplaceId: string): Value[] {
  const seen = new Map<string, Value>();
  for (const instance of instances) {
    const value = instance as Value | null;
    if (value?.marketplace_id !== marketplaceId) continue;
    const selector: Value = {};
    for (const key of SELECTORS) if (value[key] !== undefined) selector[key] = value[key];
    seen.set(JSON.stringify(selector), selector);
  }
  return [...seen.values()];
}

export interface FilledDeletes<P> {
  patches: P[];
  /** INFO issues saying which deletes the broker named the instances of. */
  issues: ValidationIssue[];
  /** Deletes that name nothing (the listing has no such attribute in the marketplace). */
  violations: Violation[];
}

/** Fills `value` of every delete that has none with the selectors of the listing's current instances. */
export function fillDeleteSelectors<P extends PatchInput>(
  patches: readonly P[],
  current: Attributes,
  scope: { marketplaceId: string; languageTag: string },
  field: string,
): FilledDeletes<P> {
  const { marketplaceId, languageTag } = scope;
  const issues: ValidationIssue[] = [];
  const violations: Violation[] = [];
  const filled = patches.map((patch, i) => {
    if (patch.op !== 'delete' || (patch.value && patch.value.length > 0)) return patch;
    const name = TOP_LEVEL_PATH.exec(patch.path)?.[1] ?? patch.path;
    const selectors = selectorsOf(current[name] ?? [], marketplaceId);
    if (selectors.length === 0) {
      violations.push(
        violation(
          'DELETE_SELECTORS_REQUIRED',
          at(field, i, 'value'),
          `is required: the listing has no ${name} in marketplace ${marketplaceId} to delete, and Amazon deletes attributes only by their selector values, e.g. [{"marketplace_id":"${marketplaceId}","language_tag":"${languageTag}"}]`,
        ),
      );
      return patch;
    }
    issues.push({
      code: 'DELETE_SELECTORS_FILLED',
      message: `${at(field, i, 'value')} was filled in from the listing's current ${name} in marketplace ${marketplaceId}: ${JSON.stringify(selectors)} (Amazon deletes attributes only by their selector values)`,
      severity: 'INFO',
    });
    return { ...patch, value: selectors };
  });
  return { patches: filled, issues, violations };
}

/** Deletes without selector values, where nothing fills them (listings feed PATCH messages). */
export function checkDeleteSelectors(patches: readonly PatchInput[], field: string): Violation[] {
  return patches.flatMap((patch, i) => {
    if (patch.op !== 'delete') return [];
    if (!patch.value || patch.value.length === 0) {
      return [
        violation(
          'DELETE_SELECTORS_REQUIRED',
          at(field, i, 'value'),
          'is required for delete: Amazon deletes attributes only by the selector values of the instances to delete, e.g. [{"marketplace_id":"ATVPDKIKX0DER","language_tag":"en_US"}]',
        ),
      ];
    }
    return patch.value.flatMap((v, j) =>
      v.marketplace_id === undefined ? [violation('DELETE_SELECTORS_REQUIRED', at(field, i, 'value', j, 'marketplace_id'), 'is required: it selects the instance to delete')] : [],
    );
  });
}

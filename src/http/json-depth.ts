import { BrokerError } from '../errors.js';

/**
 * Caller JSON is walked without recursion, and never deeper than MAX_JSON_DEPTH levels of arrays and
 * objects: a recursive walk over a 3,000-deep params object overflowed the stack (a 500), and a body
 * under the size limit can nest millions of levels. 32 levels is far beyond any capability's params
 * (an A+ document, the deepest, uses about 11; a listing attribute value about 9); params deeper than
 * that are INVALID_REQUEST naming the field, before idempotency, precheck or schema validation.
 */
export const MAX_JSON_DEPTH = 32;

/** Key segments longer than this are shortened in field names, so a message never quotes a huge key. */
const MAX_SEGMENT = 100;

/** An array or object being walked: a cursor over its entries, linked to its parent for naming. */
interface Frame {
  node: object;
  /** Object keys (Object.keys order); undefined for an array, walked by index. */
  keys: string[] | undefined;
  length: number;
  next: number;
  /** Its key or index in its parent; undefined for the root. */
  key: string | undefined;
  parent: Frame | undefined;
  /** Arrays and objects from the root down to this one, the root being 1. */
  depth: number;
}

const isContainer = (value: unknown): value is object => typeof value === 'object' && value !== null;

function frameOf(node: object, key: string | undefined, parent: Frame | undefined): Frame {
  const keys = Array.isArray(node) ? undefined : Object.keys(node);
  return { node, keys, length: keys ? keys.length : (node as unknown[]).length, next: 0, key, parent, depth: parent ? parent.depth + 1 : 1 };
}

const segment = (key: string) => (key.length > MAX_SEGMENT ? `${key.slice(0, MAX_SEGMENT)}…` : key);

function fieldOf(frame: Frame | undefined, root: string, last?: string): string {
  const parts: string[] = last === undefined ? [] : [segment(last)];
  for (let at = frame; at?.key !== undefined; at = at.parent) parts.push(segment(at.key));
  return [root, ...parts.reverse()].join('.');
}

export interface JsonStop {
  /** The node's field, as validation names fields: params.patches.0.value */
  field: string;
  /** The walk stopped at an array or object nested deeper than the limit, not at a node `stop` picked. */
  tooDeep: boolean;
}

/**
 * Visits every node of `value` in document order (array items by index, object entries in their
 * order), without recursion, and stops at the first node `stop` picks (`key` is its key in its
 * parent object; undefined for array items and the root) or at the first array or object nested
 * deeper than `maxDepth`.
 */
export function walkJson(
  value: unknown,
  root: string,
  stop: (node: unknown, key: string | undefined) => boolean,
  maxDepth = MAX_JSON_DEPTH,
): JsonStop | undefined {
  if (stop(value, undefined)) return { field: root, tooDeep: false };
  if (!isContainer(value)) return undefined;
  if (maxDepth < 1) return { field: root, tooDeep: true };
  // One frame per level, each a cursor over its entries: memory grows with depth, never with breadth.
  const open: Frame[] = [frameOf(value, undefined, undefined)];
  while (open.length > 0) {
    const frame = open[open.length - 1] as Frame;
    if (frame.next >= frame.length) {
      open.pop();
      continue;
    }
    const index = frame.next;
    frame.next += 1;
    // Array items are read by index, and their key (the index as a string) made only to name one.
    const key = frame.keys?.[index];
    const child: unknown = key === undefined ? (frame.node as unknown[])[index] : (frame.node as Record<string, unknown>)[key];
    if (stop(child, key)) return { field: fieldOf(frame, root, key ?? String(index)), tooDeep: false };
    if (!isContainer(child)) continue;
    if (frame.depth + 1 > maxDepth) return { field: fieldOf(frame, root, key ?? String(index)), tooDeep: true };
    open.push(frameOf(child, key ?? String(index), frame));
  }
  return undefined;
}

/** INVALID_REQUEST naming the first array or object of `value` nested deeper than MAX_JSON_DEPTH. */
export function refuseDeepJson(value: unknown, root: string): void {
  const deep = walkJson(value, root, () => false);
  if (!deep) return;
  throw new BrokerError(
    'INVALID_REQUEST',
    `${deep.field} is nested deeper than ${MAX_JSON_DEPTH} levels of arrays and objects; the broker takes JSON up to ${MAX_JSON_DEPTH} levels deep`,
    { details: { field: deep.field, rule: 'JSON_TOO_DEEP', limit: MAX_JSON_DEPTH } },
  );
}

/**
 * Where the strings of `value` (keys included) add up to more than `max` characters, if they do: one
 * walk that measures a whole write before any rule reads its texts. Nesting deeper than
 * MAX_JSON_DEPTH counts as over.
 */
export function stringVolumeOver(value: unknown, root: string, max: number): JsonStop | undefined {
  let total = 0;
  return walkJson(value, root, (node, key) => {
    total += (typeof node === 'string' ? node.length : 0) + (key?.length ?? 0);
    return total > max;
  });
}

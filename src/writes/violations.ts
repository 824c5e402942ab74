import type { ValidationIssue } from './preview.js';
import { BrokerError } from '../errors.js';

/**
 * A broker rule check's finding. ERROR findings make the write impossible (Amazon would refuse it
 * or it breaks Amazon's content policy): the call is INVALID_REQUEST and nothing is staged.
 * WARNING / INFO findings are staged with the write as `validation.issues`.
 */
export interface Violation {
  /** Stable rule code, e.g. TITLE_FORBIDDEN_CHARACTER. */
  code: string;
  /** Where, in the style of the broker's validation messages: params.patches.0.value.0.value */
  field: string;
  /** Reads after the field: "must not contain …". */
  message: string;
  severity: 'ERROR' | 'WARNING' | 'INFO';
}

export const violation = (code: string, field: string, message: string, severity: Violation['severity'] = 'ERROR'): Violation => ({
  code,
  field,
  message,
  severity,
});

const MAX_LISTED = 20;

/** Throws INVALID_REQUEST naming the first broken rule and its field, when any finding is an ERROR. */
export function refuseErrors(violations: readonly Violation[]): void {
  const errors = violations.filter((v) => v.severity === 'ERROR');
  const first = errors[0];
  if (!first) return;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more rule violation${errors.length > 2 ? 's' : ''})` : '';
  throw new BrokerError('INVALID_REQUEST', `${first.field} ${first.message} [rule ${first.code}]${more}`, {
    details: {
      field: first.field,
      rule: first.code,
      violations: errors.slice(0, MAX_LISTED).map((v) => ({ rule: v.code, field: v.field, message: v.message })),
    },
  });
}

/** The non-blocking findings, as the staged answer's validation issues. */
export function asIssues(violations: readonly Violation[]): ValidationIssue[] {
  return violations
    .filter((v) => v.severity !== 'ERROR')
    .map((v) => ({ code: v.code, message: `${v.field} ${v.message}`, severity: v.severity }));
}

/** `params.patches` + 0 + `value` → `params.patches.0.value` (the path so far, then names and indexes). */
export const at = (path: string, ...parts: (string | number)[]) => [path, ...parts.map(clipName)].join('.');

/** A caller's key as a field name in a message: clipped, so a 16 MB key is not sent back whole. */
export const clipName = (part: string | number) => (typeof part === 'string' && part.length > MAX_NAME ? `${part.slice(0, MAX_NAME)}…` : part);
const MAX_NAME = 64;

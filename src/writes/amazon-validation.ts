import type { ValidationIssue } from '../capabilities/types.js';
import { BrokerError } from '../errors.js';

/** Amazon's `issues[]` / `errors[]` / `warnings[]` entries as staged validation issues. */
export function amazonIssues(entries: unknown, fallbackSeverity: ValidationIssue['severity']): ValidationIssue[] {
  if (!Array.isArray(entries)) return [];
  return entries.map((entry) => {
    const e = (entry ?? {}) as { code?: unknown; message?: unknown; severity?: unknown; attributeNames?: unknown; details?: unknown };
    const severity = e.severity === 'ERROR' || e.severity === 'WARNING' || e.severity === 'INFO' ? e.severity : fallbackSeverity;
    const where = Array.isArray(e.attributeNames) && e.attributeNames.length > 0 ? ` (attributes: ${e.attributeNames.join(', ')})` : '';
    return { code: `AMAZON_${String(e.code ?? 'ISSUE')}`, message: `Amazon: ${String(e.message ?? 'no message')}${where}`, severity };
  });
}

/**
 * A write Amazon's own validation refuses is not a write to confirm: the buyer would be asked to
 * approve a change Amazon will refuse. INVALID_REQUEST, with Amazon's issues as it gave them in
 * `details.issues` so the agent can fix the write.
 */
export function refuseAmazonErrors(field: string, what: string, entries: readonly unknown[]): void {
  const errors = entries.filter((e) => (e as { severity?: unknown } | null)?.severity === 'ERROR' || (e as { severity?: unknown } | null)?.severity === undefined);
  if (errors.length === 0) return;
  const [first] = amazonIssues(errors, 'ERROR');
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  throw new BrokerError('INVALID_REQUEST', `${field} ${what}: ${first?.message ?? 'Amazon: no message'}${more}; nothing was staged, fix the write and call again`, {
    details: { field, rule: 'AMAZON_VALIDATION', issues: errors },
  });
}

/**
 * Plain types of a write's preview and outcome, shared by the write rules, the capabilities and the
 * confirmations. A leaf module (it imports nothing), so the rules can use them without reaching the
 * capability registry.
 */
export interface ValidationIssue {
  code: string;
  message: string;
  severity: 'ERROR' | 'WARNING' | 'INFO';
}

export interface DiffEntry {
  path: string;
  before: unknown;
  after: unknown;
}

/** What a write shows the buyer before it reaches Amazon, computed from Amazon's current state. */
export interface StagedWrite {
  summary: string;
  diffPreview: DiffEntry[];
  issues: ValidationIssue[];
}

/**
 * What a write's `apply` returns when Amazon answered the write and refused it (patchListingsItem
 * status INVALID, A+ validation errors): nothing changed at Amazon. It is an outcome of its own
 * (REJECTED_BY_AMAZON), never APPLIED, and the confirmation is never re-sent.
 */
export class AmazonRejection {
  constructor(readonly result: unknown) {}
}

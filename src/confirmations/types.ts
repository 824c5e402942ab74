import type { DiffEntry, ValidationIssue } from '../writes/preview.js';
import type { ErrorCode } from '../errors.js';

/** What the buyer was shown, stored with the confirmation. */
export interface StoredPreview {
  summary: string;
  diff_preview: DiffEntry[];
  issues: ValidationIssue[];
  /** The Amazon seller the write was staged for: apply refuses to send it to another one. */
  selling_partner_id: string;
}

/** The failure of an apply, replayed as is by every later apply of the same confirmation. */
export interface StoredError {
  code: ErrorCode;
  message: string;
  http_status: number;
  details?: Record<string, unknown>;
}

/**
 * 24 h to confirm (docs/api.md#writes-staged-confirmed-applied-once): long enough for a buyer, short
 * enough that "before" stays meaningful.
 */
export const CONFIRMATION_TTL_MS = 24 * 60 * 60 * 1000;
/** An `applying` claim older than this belongs to a crashed instance (the longest apply is a few Amazon calls). */
export const APPLY_LEASE_MS = 5 * 60 * 1000;
/** How long a second apply waits for the one in progress before answering "still applying". */
export const APPLY_WAIT_MS = 60_000;
export const APPLY_POLL_MS = 100;

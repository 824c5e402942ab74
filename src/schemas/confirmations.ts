import Type from 'typebox';
import { STAGED_TITLE_CHANGE } from '../api-docs/answer-examples.js';
import { Ok } from './envelope.js';

/** Schemas of the confirmation routes (docs/api.md#internal-api-internal-api-key). */
export const ConfirmationIdParams = Type.Object({
  id: Type.String({ pattern: '^cnf_[A-Za-z0-9_-]{8,64}$', description: 'confirmation_id from the staged answer.' }),
});

export const ConfirmationsQuery = Type.Object(
  { order_id: Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9._:@-]+$', description: 'Order id.' }) },
  { additionalProperties: false },
);

const Issue = Type.Object({
  code: Type.String(),
  message: Type.String(),
  severity: Type.Enum(['ERROR', 'WARNING', 'INFO']),
});

const DiffEntry = Type.Object({
  path: Type.String(),
  before: Type.Unknown({ description: "Amazon's current value (null when absent)." }),
  after: Type.Unknown({ description: 'The value after the write (null when removed).' }),
});

export const ConfirmationItem = Type.Object({
  id: Type.String(),
  capability: Type.String(),
  status: Type.Enum(['pending', 'applying', 'applied', 'amazon_rejected', 'rejected', 'expired', 'failed'], {
    description: 'amazon_rejected: the buyer confirmed it, Amazon answered and refused it (its issues are in result); nothing changed at Amazon.',
  }),
  marketplace_id: Type.String(),
  summary: Type.String({ description: 'What the write does, computed by the broker from Amazon’s current state.' }),
  diff_preview: Type.Array(DiffEntry),
  validation: Type.Object({ issues: Type.Array(Issue) }),
  expires_at: Type.String({ format: 'date-time' }),
  created_at: Type.String({ format: 'date-time' }),
  applied_at: Type.Optional(Type.String({ format: 'date-time' })),
  result: Type.Optional(Type.Unknown({ description: 'The write’s result, once applied or rejected by Amazon.' })),
  error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() }, { description: 'Why it failed, once failed.' })),
});

export const ConfirmationsResponse = Ok(
  Type.Object({ confirmations: Type.Array(ConfirmationItem, { description: 'Oldest first.' }) }),
  {
    examples: [
      {
        ok: true,
        data: {
          confirmations: [
            {
              id: 'cnf_Jr0MXC7v6QI1CPj1HXPQ',
              capability: 'listings.update',
              status: 'pending',
              marketplace_id: 'ATVPDKIKX0DER',
              ...STAGED_TITLE_CHANGE,
              validation: { issues: [] },
              expires_at: '2026-11-30T17:02:11.412Z',
              created_at: '2026-11-29T17:02:11.412Z',
            },
          ],
        },
      },
    ],
  },
);

export const ApplyResponse = Ok(
  Type.Object({
    status: Type.Enum(['APPLIED', 'REJECTED_BY_AMAZON'], {
      description:
        "APPLIED: Amazon accepted the write. REJECTED_BY_AMAZON: Amazon answered and refused it (result.issues say why); nothing changed at Amazon and it is never re-sent — stage a corrected write.",
    }),
    confirmation_id: Type.String(),
    result: Type.Unknown({
      description:
        'listings.update / update_images: { sku, status, submission_id, issues } (status ACCEPTED, or INVALID when REJECTED_BY_AMAZON); listings.upload_feed: { feed_id, feed_document_id }; listings.a_plus_generate: { content_reference_key, warnings }; messaging.request_review: { amazon_order_id, sent }.',
    }),
  }),
  {
    examples: [
      {
        ok: true,
        data: { status: 'APPLIED', confirmation_id: 'cnf_Jr0MXC7v6QI1CPj1HXPQ', result: { sku: 'SS-MUG-001', status: 'ACCEPTED', submission_id: 'f1e2d3c4b5a69788', issues: [] } },
      },
    ],
  },
);

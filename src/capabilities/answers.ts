import Type, { type TSchema } from 'typebox';

/**
 * Pieces of the capabilities' answer schemas (`data` of a successful call), shared so every answer
 * says the same thing the same way. They document the answer in GET /api/capabilities' neighbours:
 * OpenAPI (one response per capability) and MCP (`outputSchema`); test/capabilities/examples.test.ts
 * checks every example's real answer against its schema. Objects stay open (extra fields allowed) so
 * a new field is an addition, not a break.
 */
export const Money = Type.Object(
  { amount: Type.Number(), currency_code: Type.String({ description: 'ISO 4217, e.g. USD.' }) },
  { description: 'An amount in a currency (a number, not minor units).' },
);

export const MarketplaceIdField = Type.String({ description: 'The marketplace the answer is about, e.g. ATVPDKIKX0DER.' });

/** Amazon attributes as Amazon stores them: attribute name → list of values. */
export const Attributes = Type.Record(Type.String(), Type.Array(Type.Unknown()), {
  description: "Amazon attributes keyed by Amazon's attribute name (item_name, bullet_point…), each a list of values as Amazon stores them.",
});

const Issue = Type.Object({
  code: Type.String(),
  message: Type.String(),
  severity: Type.Enum(['ERROR', 'WARNING', 'INFO']),
});

const Confirm = Type.Object({
  summary: Type.String({ description: 'One readable sentence or two: what will change, where.' }),
  diff_preview: Type.Array(Type.Object({ path: Type.String(), before: Type.Unknown(), after: Type.Unknown() }), {
    description: "Before/after per changed thing, computed from Amazon's current state.",
  }),
});

/**
 * What every write answers: staged (PENDING_CONFIRMATION: nothing reached Amazon yet) or, for a token
 * minted with the capability in auto_apply, APPLIED (or REJECTED_BY_AMAZON) with the capability's `result`.
 */
export function WriteAnswer(result: TSchema) {
  const common = {
    confirmation_id: Type.String({ description: 'cnf_…; SellerShorts applies or rejects it via /internal/confirmations.' }),
    expires_at: Type.String({ format: 'date-time', description: 'The buyer has until then (24 h) to confirm.' }),
    confirm: Confirm,
    validation: Type.Object({ issues: Type.Array(Issue) }),
  };
  return Type.Union([
    Type.Object({ status: Type.Literal('PENDING_CONFIRMATION'), ...common }, { description: 'Staged: nothing changed at Amazon yet.' }),
    Type.Object({ status: Type.Literal('APPLIED'), ...common, result }, { description: 'Applied straight away (auto_apply): Amazon accepted it.' }),
    Type.Object(
      { status: Type.Literal('REJECTED_BY_AMAZON'), ...common, result },
      { description: "Sent straight away (auto_apply) and refused by Amazon: nothing changed there; result carries Amazon's issues." },
    ),
  ]);
}

/**
 * The answer of a report capability: DONE with the report (null when Amazon had no data), or
 * IN_PROGRESS with the report_id to call again with after retry_after_s.
 */
export function ReportAnswer(report: TSchema, extra: Record<string, TSchema> = {}) {
  const common = {
    report_id: Type.String({ description: 'Call again with just this report_id to resume; no new report is requested.' }),
    report_type: Type.String(),
    amazon_report_type: Type.String({ description: "Amazon's report type, e.g. GET_SALES_AND_TRAFFIC_REPORT." }),
    marketplace_id: MarketplaceIdField,
    data_start_time: Type.Optional(Type.String()),
    data_end_time: Type.Optional(Type.String()),
    clamped_end_time: Type.Optional(
      Type.String({ description: 'Present when end_date reached past now: the dataEndTime sent instead (Amazon takes no data after now); the note says so too.' }),
    ),
    note: Type.Optional(Type.String({ description: 'Why the report is null, what to do next, or that the end was clamped to now.' })),
  };
  return Type.Union([
    Type.Object(
      { status: Type.Literal('DONE'), processing_status: Type.Enum(['DONE', 'CANCELLED', 'FATAL']), ...common, ...extra, report: Type.Union([report, Type.Null()]) },
      {
        description:
          'Finished. report is null when Amazon had no data: processing_status CANCELLED, or FATAL with Brand Analytics\' "requested data is unavailable" (the note quotes Amazon). Any other FATAL is an SP_API_ERROR.',
      },
    ),
    Type.Object(
      {
        status: Type.Literal('IN_PROGRESS'),
        processing_status: Type.Enum(['IN_QUEUE', 'IN_PROGRESS']),
        ...common,
        report: Type.Null(),
        retry_after_s: Type.Integer({ description: 'Seconds to wait before calling again with report_id.' }),
      },
      { description: 'Amazon is still preparing it: call again with report_id after retry_after_s.' },
    ),
  ]);
}

/** The result of an applied listings PATCH (listings.update, listings.update_images). */
export const ListingWriteResult = Type.Object({
  sku: Type.String(),
  status: Type.String({ description: "Amazon's submission status: ACCEPTED (APPLIED), or INVALID (REJECTED_BY_AMAZON)." }),
  submission_id: Type.Union([Type.String(), Type.Null()]),
  issues: Type.Array(Type.Unknown(), { description: "Amazon's issues with the submission." }),
});

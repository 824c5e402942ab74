import Type from 'typebox';

/** Param pieces shared by several capabilities, so every schema says the same thing the same way. */
export const MarketplaceIdParam = Type.Optional(
  Type.String({
    pattern: '^[A-Z0-9]{9,16}$',
    description:
      "Amazon marketplace id, e.g. ATVPDKIKX0DER (US), A1F83G8C2ARO7P (UK), A1PA6795UKMFR9 (DE), A1VC38T7YXB528 (JP). Omit to use the buyer's default marketplace.",
  }),
);

export const AsinParam = Type.String({ pattern: '^[A-Z0-9]{10}$', description: 'Amazon Standard Identification Number, 10 characters, e.g. B0MP6NVW98 (a sandbox ASIN).' });

export const SkuParam = Type.String({
  minLength: 1,
  maxLength: 200,
  description: "The seller's SKU exactly as in Seller Central (any characters; the broker encodes it).",
});

export const PageSizeParam = Type.Optional(Type.Integer({ minimum: 1, maximum: 20, default: 10, description: 'Items per page, 1–20 (default 10).' }));
export const PageTokenParam = Type.Optional(
  Type.String({ minLength: 1, maxLength: 4096, description: 'next_page_token from the previous page; omit for the first page.' }),
);

export const WaitSecondsParam = Type.Optional(
  Type.Integer({
    minimum: 0,
    maximum: 55,
    default: 20,
    description: 'How long to wait for Amazon to finish the report (0–55 s, default 20). If it is not ready, call again with report_id.',
  }),
);

export const ReportIdParam = Type.Optional(
  Type.String({ pattern: '^[0-9A-Za-z_-]{1,64}$', description: 'report_id returned by an earlier IN_PROGRESS answer, to resume without creating a new report.' }),
);

/**
 * A strict object: unknown params are refused by name instead of silently ignored. `examples` are
 * complete params objects that work as they are in the sandbox (docs/sandbox.md); a test runs each
 * one, and GET /api/capabilities, OpenAPI and MCP show them.
 */
export const Params = <T extends Parameters<typeof Type.Object>[0]>(properties: T, examples: Record<string, unknown>[]) =>
  Type.Object(properties, { additionalProperties: false, examples });

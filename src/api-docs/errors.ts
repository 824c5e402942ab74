/**
 * One example per error code (and per common INVALID_REQUEST cause) for every error response of the
 * OpenAPI document, with a description saying what the status means and what to do. The messages are
 * the broker's real ones.
 */
type Json = Record<string, unknown>;

const error = (code: string, message: string, extra: Json = {}) => ({ ok: false, error: { code, message, ...extra } });

interface ErrorExample {
  summary: string;
  value: ReturnType<typeof error>;
}

const EXAMPLES: Record<string, Record<string, ErrorExample>> = {
  400: {
    INVALID_REQUEST_param: {
      summary: 'INVALID_REQUEST: a param breaks its schema (the field and the expected shape are named)',
      value: error('INVALID_REQUEST', 'params.page_size must be <= 20', { details: { field: 'params.page_size' } }),
    },
    INVALID_REQUEST_unknown_field: {
      summary: 'INVALID_REQUEST: a field the schema does not know',
      value: error('INVALID_REQUEST', 'params.skuu is not a known field', { details: { field: 'params.skuu' } }),
    },
    INVALID_REQUEST_rule: {
      summary: "INVALID_REQUEST: a write breaks one of Amazon's content rules (nothing is staged)",
      value: error('INVALID_REQUEST', 'params.patches.0.value.0.value must not contain the characters ! [rule TITLE_FORBIDDEN_CHARACTER]', {
        details: { field: 'params.patches.0.value.0.value', rule: 'TITLE_FORBIDDEN_CHARACTER' },
      }),
    },
    INVALID_REQUEST_content_type: {
      summary: 'INVALID_REQUEST: a body that is not JSON',
      value: error('INVALID_REQUEST', 'unsupported content type text/plain: send the body as JSON with Content-Type: application/json'),
    },
  },
  401: {
    INVALID_TOKEN: {
      summary: 'INVALID_TOKEN: missing, unknown, expired or revoked credential',
      value: error('INVALID_TOKEN', 'job token has expired'),
    },
  },
  403: {
    CAPABILITY_NOT_ALLOWED: {
      summary: 'CAPABILITY_NOT_ALLOWED: the token was not granted this capability (or it does not exist)',
      value: error('CAPABILITY_NOT_ALLOWED', 'unknown capability "orders.sumary"; did you mean orders.summary? GET /api/capabilities lists the ones this token may call', {
        details: { capability: 'orders.sumary', did_you_mean: 'orders.summary' },
      }),
    },
  },
  404: {
    ORDER_NOT_FOUND: { summary: "ORDER_NOT_FOUND: the token's order was deleted", value: error('ORDER_NOT_FOUND', 'order ord_123 no longer exists') },
    INVALID_REQUEST_unknown_id: {
      summary: 'INVALID_REQUEST (404): an id the broker does not know',
      value: error('INVALID_REQUEST', 'unknown confirmation cnf_Jr0MXC7v6QI1CPj1HXPQ', { details: { field: 'id' } }),
    },
  },
  405: {
    INVALID_REQUEST: { summary: 'INVALID_REQUEST (405): this method is not used', value: error('INVALID_REQUEST', 'this MCP server is stateless: send JSON-RPC with POST') },
  },
  409: {
    NO_CONNECTION: { summary: 'NO_CONNECTION: the buyer has not connected Amazon', value: error('NO_CONNECTION', 'the buyer has not connected an Amazon Seller Central account') },
    TOKEN_EXPIRED: {
      summary: "TOKEN_EXPIRED: the buyer's Amazon authorization was revoked",
      value: error('TOKEN_EXPIRED', 'the buyer revoked or lost the Amazon authorization; they must reconnect Amazon'),
    },
    INVALID_REQUEST_conflict: {
      summary: 'INVALID_REQUEST (409): the state does not allow it',
      value: error('INVALID_REQUEST', 'confirmation cnf_Jr0MXC7v6QI1CPj1HXPQ was rejected and can no longer be applied', { details: { status: 'rejected' } }),
    },
  },
  413: {
    INVALID_REQUEST: {
      summary: 'INVALID_REQUEST (413): the body is larger than the limit',
      value: error('INVALID_REQUEST', 'request body is larger than the 16777216-byte (16 MiB) limit (BODY_LIMIT_BYTES); split the request', { details: { limit_bytes: 16777216 } }),
    },
  },
  422: {
    INVALID_REQUEST: {
      summary: 'INVALID_REQUEST (422): an Idempotency-Key reused with another body',
      value: error('INVALID_REQUEST', 'this Idempotency-Key was already used with a different request body', { details: { field: 'Idempotency-Key' } }),
    },
  },
  429: {
    RATE_LIMIT: {
      summary: "RATE_LIMIT: the seller's Amazon quota or the front door's limit; retry after retry_after_s (also Retry-After)",
      value: error('RATE_LIMIT', 'Amazon throttled getOrderMetrics for this seller; retry later', { retry_after_s: 2 }),
    },
  },
  500: {
    INTERNAL_ERROR: { summary: 'INTERNAL_ERROR: a bug or an unreachable database', value: error('INTERNAL_ERROR', 'unexpected error; quote request id 0f6c… to support') },
  },
  503: {
    INTERNAL_ERROR: {
      summary: "INTERNAL_ERROR (503): the broker's database is unreachable for a moment; retry after Retry-After",
      value: error('INTERNAL_ERROR', "the broker's database is unavailable; retry shortly (request id 0f6c…)", { retry_after_s: 1 }),
    },
  },
  502: {
    SP_API_ERROR: {
      summary: "SP_API_ERROR: Amazon refused or failed; Amazon's status and errors are in details",
      value: error('SP_API_ERROR', 'params.sku "NO-SUCH-SKU-404" is not a listing of this seller in marketplace ATVPDKIKX0DER (products.list lists the seller\'s SKUs)', {
        details: { status: 404, field: 'params.sku', errors: [{ code: 'NotFound', message: "SKU 'NO-SUCH-SKU-404' not found for seller A1SANDBOXNA0001." }] },
      }),
    },
  },
};

const DESCRIPTIONS: Record<string, string> = {
  400: 'INVALID_REQUEST: fix the call; message and details.field name what is wrong and the expected shape.',
  401: 'INVALID_TOKEN: the bearer credential is missing, unknown, expired or revoked.',
  403: 'CAPABILITY_NOT_ALLOWED: the job token does not grant this capability.',
  404: "ORDER_NOT_FOUND (the token's order was deleted) or INVALID_REQUEST for an unknown id.",
  405: 'INVALID_REQUEST: method not used.',
  409: 'NO_CONNECTION or TOKEN_EXPIRED (the buyer must connect Amazon), or INVALID_REQUEST when the state forbids it.',
  413: 'INVALID_REQUEST: the body is larger than BODY_LIMIT_BYTES.',
  422: 'INVALID_REQUEST: the Idempotency-Key was used with a different body.',
  429: 'RATE_LIMIT: retry after retry_after_s seconds (also in Retry-After).',
  500: 'INTERNAL_ERROR: quote the request id to support.',
  502: "SP_API_ERROR: Amazon refused or failed; details carry Amazon's status and errors.",
  503: "INTERNAL_ERROR: the broker's database is unreachable (a failover, a restart); retry after Retry-After. Answered within seconds, never a hang.",
};

/** Any call that reaches the database may answer 503 while it is unreachable: every operation that answers the envelope says so. */
function addDatabaseUnavailable(operation: { responses?: Record<string, Json> }) {
  const responses = operation.responses ?? {};
  const envelope = Object.values(responses).find((response) => JSON.stringify(response.content ?? {}).includes('ErrorEnvelope'));
  if (envelope && !responses['503']) responses['503'] = structuredClone(envelope);
}

/** Gives every error response of every operation its description and per-code examples. */
export function documentErrors(document: Json): void {
  const paths = document.paths as Record<string, Record<string, { responses?: Record<string, Json> }>>;
  for (const operations of Object.values(paths)) {
    for (const operation of Object.values(operations)) {
      addDatabaseUnavailable(operation);
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const media = (response.content as Record<string, Json> | undefined)?.['application/json'];
        const isEnvelope = JSON.stringify(media?.schema ?? {}).includes('ErrorEnvelope');
        if (!isEnvelope) continue;
        response.description = DESCRIPTIONS[status] ?? response.description;
        const examples = EXAMPLES[status];
        if (media && examples) media.examples = examples;
      }
    }
  }
}

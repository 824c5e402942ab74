import { documentCapabilityCalls } from './capabilities.js';
import { documentErrors } from './errors.js';

/**
 * The OpenAPI 3.1 document's frame (info, servers, tags, security schemes) and the documentation
 * added after @fastify/swagger built it from the route schemas: per-capability request and answer
 * schemas with examples, and an example per error code. test/foundation/spectral.test.ts lints the
 * result with Spectral's spectral:oas ruleset.
 */
export const OPENAPI_INFO = {
  title: 'SellerShorts capability broker',
  version: '0.1.0',
  description: [
    "Lets SellerShorts AI tools call a buyer's Amazon Selling Partner API through scoped, short-lived job tokens.",
    'AI agents call **POST /api/capabilities** (or the MCP endpoint **POST /mcp**) with a job token; SellerShorts services use **/internal/*** with the internal API key to mint tokens, connect Amazon and apply the writes buyers confirm.',
    '',
    'Try it in the sandbox: `npm start` with nothing configured prints the internal key and a ready curl; every request example below works as it is there (docs/sandbox.md describes the seeded world). Errors always come as `{ ok: false, error: { code, message, details?, retry_after_s? } }`.',
  ].join('\n'),
  contact: { name: 'SellerShorts broker maintainers (the team that runs this service)' },
};

export const OPENAPI_FRAME = {
  openapi: '3.1.0',
  info: OPENAPI_INFO,
  servers: [
    {
      url: 'http://{host}',
      description: 'Your broker (npm start listens on 127.0.0.1:8080 by default)',
      variables: { host: { default: '127.0.0.1:8080', description: 'host:port of the broker' } },
    },
  ],
  tags: [
    { name: 'capabilities', description: 'For AI agents, with a job token' },
    { name: 'internal', description: 'For SellerShorts services, with the internal API key' },
    { name: 'oauth', description: "Amazon's consent redirect" },
    { name: 'ops', description: 'Health, readiness, metrics' },
  ],
  components: {
    securitySchemes: {
      jobToken: { type: 'http' as const, scheme: 'bearer', description: 'job_token minted by POST /internal/job-tokens' },
      internalKey: { type: 'http' as const, scheme: 'bearer', description: 'INTERNAL_API_KEY (sandbox: printed at start)' },
    },
  },
};

/** Adds the documentation to the document @fastify/swagger built, in place. */
export function transformDocument<T extends object>(document: T): T {
  if (isJsonObject(document)) {
    documentCapabilityCalls(document);
    documentErrors(document);
  }
  return document;
}

/** The document is plain JSON (an object of named fields), which the documenting steps edit field by field. */
const isJsonObject = (value: object): value is Record<string, unknown> => !Array.isArray(value);

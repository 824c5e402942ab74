import { CAPABILITIES } from '../capabilities/index.js';
import type { Capability } from '../capabilities/types.js';
import { ANSWER_EXAMPLES } from './answer-examples.js';

/**
 * POST /api/capabilities documented per capability: the request body is a oneOf discriminated by
 * `capability`, each branch with that capability's params schema and its working sandbox examples;
 * the 200 answer is a oneOf of each capability's answer schema. Documentation only: validation
 * keeps the generic body schema, so checks still run in the contract's order (grant before params).
 */
type Json = Record<string, unknown>;

/** account_health.fetch → AccountHealthFetch (component names allow no dots). */
export const componentBase = (name: string) =>
  name
    .split(/[._]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

const plain = (schema: unknown): Json => JSON.parse(JSON.stringify(schema)) as Json;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function callSchema(capability: Capability): Json {
  const { examples, ...params } = plain(capability.params);
  return {
    type: 'object',
    title: `Call ${capability.name}`,
    description: `${capability.access === 'write' ? 'Write (staged until the buyer confirms)' : 'Read'}: ${capability.description}`,
    required: ['capability', 'provider', 'params'],
    additionalProperties: false,
    properties: {
      capability: { type: 'string', const: capability.name },
      provider: { type: 'string', const: 'amazon' },
      params: params,
    },
    examples: (examples as Json[] | undefined)?.map((example) => ({ capability: capability.name, provider: 'amazon', params: example })) ?? [],
  };
}

function answerSchema(capability: Capability): Json {
  return {
    type: 'object',
    title: `Answer of ${capability.name}`,
    required: ['ok', 'data', 'meta'],
    properties: {
      ok: { type: 'boolean', const: true },
      data: plain(capability.answer),
      meta: ref('CapabilityCallMeta'),
    },
  };
}

/** Named request examples: every example of every capability (Swagger UI offers them in a list). */
function requestExamples(): Json {
  const named: Json = {};
  for (const capability of CAPABILITIES) {
    const examples = ((capability.params as { examples?: Json[] }).examples ?? []) as Json[];
    examples.forEach((params, index) => {
      named[examples.length > 1 ? `${capability.name} (${index + 1})` : capability.name] = {
        summary: `${capability.name}${capability.access === 'write' ? ' (write: stages)' : ''}`,
        value: { capability: capability.name, provider: 'amazon', params },
      };
    });
  }
  return named;
}

export function documentCapabilityCalls(document: Json): void {
  const components = (document.components ??= {}) as Json;
  const schemas = (components.schemas ??= {}) as Json;
  schemas.CapabilityCallMeta = {
    type: 'object',
    required: ['request_id', 'capability'],
    properties: {
      request_id: { type: 'string', description: 'Also in the x-request-id header; quote it to support.' },
      capability: { type: 'string' },
      marketplace_id: { type: 'string' },
      region: { type: 'string', enum: ['NA', 'EU', 'FE'] },
    },
  };
  const mapping: Record<string, string> = {};
  for (const capability of CAPABILITIES) {
    const base = componentBase(capability.name);
    schemas[`${base}Call`] = callSchema(capability);
    schemas[`${base}Answer`] = answerSchema(capability);
    mapping[capability.name] = `#/components/schemas/${base}Call`;
  }
  const paths = document.paths as Record<string, Record<string, Json>>;
  const operation = paths['/api/capabilities']?.post;
  if (!operation) return;
  operation.requestBody = {
    required: true,
    description: 'Which capability to call and its params. Pick an example: each works as it is in the sandbox.',
    content: {
      'application/json': {
        schema: { oneOf: CAPABILITIES.map((c) => ref(`${componentBase(c.name)}Call`)), discriminator: { propertyName: 'capability', mapping } },
        examples: requestExamples(),
      },
    },
  };
  const responses = operation.responses as Record<string, Json>;
  responses['200'] = {
    description: "The capability's answer in data (one schema per capability); writes answer status PENDING_CONFIRMATION (or APPLIED with auto_apply).",
    headers: { 'x-request-id': { description: 'The request id (also meta.request_id).', schema: { type: 'string' } } },
    // anyOf: some answers share a shape (listings.update and listings.update_images).
    content: { 'application/json': { schema: { anyOf: CAPABILITIES.map((c) => ref(`${componentBase(c.name)}Answer`)) }, examples: ANSWER_EXAMPLES } },
  };
}

import { CAPABILITIES } from '../capabilities/index.js';
import type { Capability, JobContext } from '../capabilities/types.js';
import { ERROR_CODES } from '../errors.js';

/**
 * A Model Context Protocol server on the Streamable HTTP transport (docs/api.md#mcp), stateless:
 * every POST carries JSON-RPC and gets a JSON answer, so no session state lives in an instance.
 * The protocol surface we need (initialize, ping, tools/list, tools/call) is small enough that a
 * direct implementation is clearer than the SDK, which would bring Express and Hono along.
 */
export const SUPPORTED_PROTOCOL_VERSIONS = ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05'] as const;

/**
 * Messages one POST may carry. JSON-RPC batches were dropped from MCP in 2025-06-18 but older
 * clients send them; each tools/call in a batch is a capability call of its own, so the cap bounds
 * the work one request can queue on an instance.
 */
export const MAX_BATCH_MESSAGES = 20;

/** A request id: MCP allows strings and integers only (not null, not fractions, not objects). */
export type RequestId = string | number;

export interface JsonRpcRequest {
  jsonrpc: '2.0';
  id: RequestId;
  method: string;
  params?: Record<string, unknown>;
}

export interface JsonRpcResponse {
  jsonrpc: '2.0';
  id: RequestId | null;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

export const RPC = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  /** Implementation-defined server error (JSON-RPC reserves -32000…-32099): here, the front-door limit. */
  RATE_LIMITED: -32000,
} as const;

/**
 * Model APIs reject dots in tool names: orders.summary ⇄ orders_summary. The capability's own dotted
 * name is accepted as an alias in tools/call, since agents read it in docs and descriptions.
 */
export const toolName = (capability: string) => capability.replace(/\./g, '_');
export const capabilityOfTool = (tool: string) => CAPABILITIES.find((c) => toolName(c.name) === tool || c.name === tool)?.name;

/** structuredContent of a failed call (isError: true): the broker's error, as REST answers it. */
const ToolError = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', enum: ERROR_CODES },
        message: { type: 'string' },
        retry_after_s: { type: 'integer' },
        details: { type: 'object' },
      },
    },
  },
};

/** What structuredContent holds: the capability's answer (REST's data), or the error when isError. */
export function outputSchema(capability: Capability) {
  return { type: 'object' as const, anyOf: [JSON.parse(JSON.stringify(capability.answer)) as Record<string, unknown>, ToolError] };
}

export function listTools(job: JobContext) {
  return CAPABILITIES.filter((c) => job.capabilities.includes(c.name)).map((c) => ({
    name: toolName(c.name),
    title: c.name,
    description: c.access === 'write' ? `${c.description} (Write: staged for the buyer's confirmation.)` : c.description,
    inputSchema: c.params,
    outputSchema: outputSchema(c),
    annotations: { readOnlyHint: c.access === 'read', destructiveHint: false, openWorldHint: true },
  }));
}

export function initializeResult(requested: unknown) {
  const version = SUPPORTED_PROTOCOL_VERSIONS.find((v) => v === requested) ?? SUPPORTED_PROTOCOL_VERSIONS[0];
  return {
    protocolVersion: version,
    capabilities: { tools: { listChanged: false } },
    serverInfo: { name: 'sellershorts-capability-broker', version: '0.1.0' },
    instructions:
      "Tools act on the buyer's Amazon Seller Central account. Reads return JSON; writes are staged and answer PENDING_CONFIRMATION until the buyer confirms.",
  };
}

/**
 * What a posted JSON-RPC message is (JSON-RPC 2.0 §4–5; MCP "Base protocol"): a request (method and
 * an id) is answered; a notification (method, no id) or a response (a client answering the server)
 * is accepted and runs nothing; anything else is an invalid request.
 */
export type Message = { kind: 'request'; request: JsonRpcRequest } | { kind: 'notification' } | { kind: 'response' } | { kind: 'invalid'; reason: string };

const isRequestId = (id: unknown): id is RequestId => typeof id === 'string' || (typeof id === 'number' && Number.isSafeInteger(id));

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export function classifyMessage(value: unknown): Message {
  if (!isObject(value)) return { kind: 'invalid', reason: 'a JSON-RPC message must be an object' };
  const { id, method, params } = value;
  if (value.jsonrpc !== '2.0') return { kind: 'invalid', reason: 'jsonrpc must be "2.0"' };
  const hasId = Object.hasOwn(value, 'id');
  if (hasId && !isRequestId(id)) return { kind: 'invalid', reason: 'id must be a string or an integer' };
  if (params !== undefined && !isObject(params)) return { kind: 'invalid', reason: 'params must be an object' };
  if (typeof method === 'string') {
    // Without an id it is a notification (an id that is there was checked above).
    if (!hasId || !isRequestId(id)) return { kind: 'notification' };
    return { kind: 'request', request: { jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) } };
  }
  if (hasId && (Object.hasOwn(value, 'result') || Object.hasOwn(value, 'error'))) return { kind: 'response' };
  return { kind: 'invalid', reason: 'not a JSON-RPC 2.0 request, notification or response' };
}

export const rpcError = (id: JsonRpcResponse['id'], code: number, message: string): JsonRpcResponse => ({
  jsonrpc: '2.0',
  id,
  error: { code, message },
});


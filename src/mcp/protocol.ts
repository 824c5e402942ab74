import { CAPABILITIES } from '../capabilities/index.js';
import type { Capability, JobContext } from '../capabilities/types.js';
import { ERROR_CODES } from '../errors.js';

/**
 * A Model Context Protocol server on the Streamable HTTP transport (docs/api.md#mcp), stateless:
 * every POST carries JSON-RPC and gets a JSON answer, so no session state lives in an instance.
 * The protocol surface we need (initialize, ping, tools/list, tools/call) is small enough that a
 * direct implementation is clearer than the SDK, which would bring Express and Hono along.
 */
export const SUPPORTED_PROTOCOL_VERSIONS = ['2025-06-18', '2025-03-26', '2024-11-05'] as const;

export interface JsonRpcRequest {
  jsonrpc: '2.0';
  id?: string | number | null;
  method: string;
  params?: Record<string, unknown>;
}

export interface JsonRpcResponse {
  jsonrpc: '2.0';
  id: string | number | null;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

export const RPC = { PARSE_ERROR: -32700, INVALID_REQUEST: -32600, METHOD_NOT_FOUND: -32601, INVALID_PARAMS: -32602 } as const;

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

export function isJsonRpcRequest(value: unknown): value is JsonRpcRequest {
  if (!value || typeof value !== 'object') return false;
  const message = value as Record<string, unknown>;
  return message.jsonrpc === '2.0' && typeof message.method === 'string';
}

export const rpcError = (id: JsonRpcResponse['id'], code: number, message: string): JsonRpcResponse => ({
  jsonrpc: '2.0',
  id,
  error: { code, message },
});


import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody, methodNotAllowed } from '../errors.js';
import {
  capabilityOfTool,
  classifyMessage,
  initializeResult,
  type JsonRpcRequest,
  type JsonRpcResponse,
  listTools,
  MAX_BATCH_MESSAGES,
  RPC,
  rpcError,
  SUPPORTED_PROTOCOL_VERSIONS,
  toolName,
} from '../mcp/protocol.js';
import { didYouMean } from '../http/did-you-mean.js';
import { callCapability } from '../pipeline/call-capability.js';
import { frontDoorKey, frontDoorRefusal } from '../quota/front-door.js';
import { authenticate, callScope, requireJob } from './capabilities.js';

/** One front-door unit for something this door refuses itself (tools/call that reach the pipeline count there). */
const frontDoorUnit = (request: FastifyRequest) => frontDoorRefusal(request.server.services, frontDoorKey(request));

/** A tools/call: one capability call through the pipeline, rendered as an MCP tool result. */
async function callTool(request: FastifyRequest, message: JsonRpcRequest): Promise<JsonRpcResponse> {
  const { id } = message;
  const name = message.params?.name;
  const args = message.params?.arguments;
  // Every tools/call takes a front-door unit of its own, refused or not (a batch is many calls).
  const capability = typeof name === 'string' ? capabilityOfTool(name) : undefined;
  const granted = requireJob(request).capabilities;
  if (!capability || !granted.includes(capability)) {
    const limited = await frontDoorUnit(request);
    if (limited) return toolError(id, errorBody(limited).error);
    const tools = granted.map(toolName);
    const hint = typeof name === 'string' ? didYouMean(name, tools) : '';
    return rpcError(id, RPC.INVALID_PARAMS, `unknown tool ${JSON.stringify(name)};${hint} tools/list names the tools of this token (${tools.join(', ')})`);
  }
  if (args !== undefined && (typeof args !== 'object' || args === null || Array.isArray(args))) {
    const limited = await frontDoorUnit(request);
    if (limited) return toolError(id, errorBody(limited).error);
    return rpcError(id, RPC.INVALID_PARAMS, 'params.arguments must be an object (the tool\'s inputSchema)');
  }
  // The same call path as POST /api/capabilities: gates, front door, quota, audit, metrics.
  const outcome = await callCapability(callScope(request), { capability, provider: 'amazon', params: args as Record<string, unknown> | undefined });
  const { body } = outcome;
  if (body.ok) {
    const structured = body.data && typeof body.data === 'object' && !Array.isArray(body.data) ? body.data : { value: body.data };
    return { jsonrpc: '2.0', id, result: { content: [{ type: 'text', text: JSON.stringify(body.data) }], structuredContent: structured, isError: false } };
  }
  return toolError(id, body.error);
}

function toolError(id: JsonRpcRequest['id'], error: { code: string; message: string }): JsonRpcResponse {
  return { jsonrpc: '2.0', id, result: { content: [{ type: 'text', text: `${error.code}: ${error.message}` }], structuredContent: { error }, isError: true } };
}

async function handle(request: FastifyRequest, message: JsonRpcRequest): Promise<JsonRpcResponse> {
  const { id } = message;
  switch (message.method) {
    case 'initialize':
      return { jsonrpc: '2.0', id, result: initializeResult(message.params?.protocolVersion) };
    case 'ping':
      return { jsonrpc: '2.0', id, result: {} };
    case 'tools/list':
      return { jsonrpc: '2.0', id, result: { tools: listTools(requireJob(request)) } };
    case 'tools/call':
      return callTool(request, message);
    default:
      return rpcError(id, RPC.METHOD_NOT_FOUND, `method ${message.method} is not supported`);
  }
}

/** A transport-level refusal: HTTP status with a JSON-RPC error that answers no particular id. */
const refuse = (reply: FastifyReply, status: number, code: number, message: string) => reply.status(status).type('application/json').send(rpcError(null, code, message));

/** POST /mcp: MCP over Streamable HTTP with JSON answers, authorised by the job token. */
export default async function mcpRoutes(app: FastifyInstance) {
  const allowedOrigins = new Set(app.services.config.mcpAllowedOrigins ?? []);

  // Streamable HTTP, "Security Warning": a browser page must not reach a local or internal MCP
  // server (DNS rebinding), so an Origin outside the allow-list is 403 before anything else.
  app.addHook('onRequest', (request, reply, done) => {
    const origin = request.headers.origin;
    if (origin !== undefined && !allowedOrigins.has(origin)) {
      refuse(reply, 403, RPC.INVALID_REQUEST, `Origin ${origin} is not allowed to call this MCP server (MCP_ALLOWED_ORIGINS)`);
      return;
    }
    done();
  });
  app.addHook('onRequest', authenticate);
  // Streamable HTTP, "Protocol Version Header": an unsupported MCP-Protocol-Version is 400; none
  // means the client predates the header (2025-03-26 is assumed, which we support).
  app.addHook('preHandler', (request, reply, done) => {
    const version = request.headers['mcp-protocol-version'];
    if (version !== undefined && !(SUPPORTED_PROTOCOL_VERSIONS as readonly string[]).includes(String(version))) {
      refuse(reply, 400, RPC.INVALID_REQUEST, `unsupported MCP-Protocol-Version ${String(version)} (supported: ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')})`);
      return;
    }
    done();
  });

  app.post(
    '/mcp',
    {
      // Counted per message below: each tools/call is a capability call with its own unit.
      config: { rateLimit: false },
      schema: {
        tags: ['capabilities'],
        operationId: 'callMcp',
        summary: 'Model Context Protocol (Streamable HTTP, stateless JSON answers)',
        description: `Model Context Protocol over Streamable HTTP, stateless: every POST carries JSON-RPC 2.0 (initialize, ping, tools/list, tools/call) and gets a JSON answer; notifications and responses are accepted with 202 and no body; GET and DELETE /mcp answer 405 (no stream, no session). Tools are the token's granted capabilities, named with _ for . (orders_summary; the dotted name is accepted too), each with the capability's params as inputSchema (with sandbox examples) and its answer as outputSchema. A tool call runs exactly like POST /api/capabilities and takes a front-door unit of its own; a broker error answers isError: true with the error in structuredContent. A batch holds at most ${MAX_BATCH_MESSAGES} messages. Request ids are strings or integers. MCP-Protocol-Version, when sent, must be one of ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')}; a request with an Origin header is refused with 403 unless MCP_ALLOWED_ORIGINS lists it.`,
        security: [{ jobToken: [] }],
        body: {
          description: 'A JSON-RPC 2.0 message or batch',
          examples: [
            { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'my-agent', version: '1.0.0' } } },
            { jsonrpc: '2.0', id: 2, method: 'tools/list' },
            { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'listings_get', arguments: { sku: 'SS-MUG-001' } } },
          ],
        },
      },
    },
    async (request, reply) => {
      const incoming: unknown = request.body;
      const batch = Array.isArray(incoming);
      const messages = batch ? (incoming as unknown[]) : [incoming];
      if (messages.length === 0) return refuse(reply, 400, RPC.INVALID_REQUEST, 'empty batch');
      if (messages.length > MAX_BATCH_MESSAGES) {
        return refuse(reply, 400, RPC.INVALID_REQUEST, `a batch holds at most ${MAX_BATCH_MESSAGES} messages; this one has ${messages.length}: send the rest in further requests`);
      }
      const classified = messages.map(classifyMessage);
      // A POST that calls no tool still takes one front-door unit (tool calls take theirs each).
      if (!classified.some((m) => m.kind === 'request' && m.request.method === 'tools/call')) {
        const limited = await frontDoorUnit(request);
        if (limited) {
          reply.header('retry-after', String(limited.retryAfterS ?? 1));
          return refuse(reply, 429, RPC.RATE_LIMITED, limited.message);
        }
      }
      const answers: JsonRpcResponse[] = [];
      for (const message of classified) {
        if (message.kind === 'invalid') answers.push(rpcError(null, RPC.INVALID_REQUEST, message.reason));
        else if (message.kind === 'request') answers.push(await handle(request, message.request));
        // Notifications and responses need no answer and run nothing.
      }
      if (answers.length === 0) return reply.status(202).send();
      return reply.type('application/json').send(batch ? answers : answers[0]);
    },
  );

  // Stateless server: no server-initiated stream and no session to end (the spec allows 405 for both).
  for (const method of ['GET', 'DELETE'] as const) {
    app.route({
      method,
      url: '/mcp',
      // Not in the API reference (an operation that can only fail); POST /mcp's description says it.
      schema: { hide: true },
      handler: async (_request, reply) =>
        reply
          .status(405)
          .header('allow', 'POST')
          .send(errorBody(methodNotAllowed('this MCP server is stateless: send JSON-RPC with POST'))),
    });
  }
}

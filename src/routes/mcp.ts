import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errorBody, BrokerError } from '../errors.js';
import {
  capabilityOfTool,
  initializeResult,
  isJsonRpcRequest,
  type JsonRpcRequest,
  type JsonRpcResponse,
  listTools,
  RPC,
  rpcError,
  toolName,
} from '../mcp/protocol.js';
import { didYouMean } from '../http/did-you-mean.js';
import { authenticate, callCapability, requireJob } from './capabilities.js';

interface ToolOutcome {
  ok: boolean;
  data?: unknown;
  error?: { code: string; message: string; retry_after_s?: number; details?: unknown };
}

async function handle(request: FastifyRequest, message: JsonRpcRequest): Promise<JsonRpcResponse | undefined> {
  const id = message.id ?? null;
  const isNotification = message.id === undefined;
  switch (message.method) {
    case 'initialize':
      return { jsonrpc: '2.0', id, result: initializeResult(message.params?.protocolVersion) };
    case 'ping':
      return { jsonrpc: '2.0', id, result: {} };
    case 'tools/list':
      return { jsonrpc: '2.0', id, result: { tools: listTools(requireJob(request)) } };
    case 'tools/call': {
      const name = message.params?.name;
      const args = message.params?.arguments;
      const capability = typeof name === 'string' ? capabilityOfTool(name) : undefined;
      const granted = requireJob(request).capabilities;
      if (!capability || !granted.includes(capability)) {
        const tools = granted.map(toolName);
        const hint = typeof name === 'string' ? didYouMean(name, tools) : '';
        return rpcError(id, RPC.INVALID_PARAMS, `unknown tool ${JSON.stringify(name)};${hint} tools/list names the tools of this token (${tools.join(', ')})`);
      }
      const params = args && typeof args === 'object' && !Array.isArray(args) ? (args as Record<string, unknown>) : {};
      // The same code path as POST /api/capabilities: checks, quota, audit, metrics.
      const { body } = await callCapability(request, requireJob(request), { capability, provider: 'amazon', params });
      const outcome = body as ToolOutcome;
      if (outcome.ok) {
        const structured = outcome.data && typeof outcome.data === 'object' && !Array.isArray(outcome.data) ? outcome.data : { value: outcome.data };
        return { jsonrpc: '2.0', id, result: { content: [{ type: 'text', text: JSON.stringify(outcome.data) }], structuredContent: structured, isError: false } };
      }
      const error = outcome.error ?? { code: 'INTERNAL_ERROR', message: 'unexpected error' };
      return {
        jsonrpc: '2.0',
        id,
        result: { content: [{ type: 'text', text: `${error.code}: ${error.message}` }], structuredContent: { error }, isError: true },
      };
    }
    default:
      if (isNotification) return undefined; // notifications/initialized and friends need no answer
      return rpcError(id, RPC.METHOD_NOT_FOUND, `method ${message.method} is not supported`);
  }
}

/** POST /mcp: MCP over Streamable HTTP with JSON answers, authorised by the job token. */
export default async function mcpRoutes(app: FastifyInstance) {
  app.addHook('onRequest', authenticate);

  app.post(
    '/mcp',
    {
      schema: {
        tags: ['capabilities'],
        operationId: 'callMcp',
        summary: 'Model Context Protocol (Streamable HTTP, stateless JSON answers)',
        description:
          "Model Context Protocol over Streamable HTTP, stateless: every POST carries JSON-RPC 2.0 (initialize, ping, tools/list, tools/call) and gets a JSON answer; GET and DELETE /mcp answer 405 (no stream, no session). Tools are the token's granted capabilities, named with _ for . (orders_summary; the dotted name is accepted too), each with the capability's params as inputSchema (with sandbox examples) and its answer as outputSchema. A tool call runs exactly like POST /api/capabilities; a broker error answers isError: true with the error in structuredContent.",
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
      if (messages.length === 0) return reply.status(400).send(rpcError(null, RPC.INVALID_REQUEST, 'empty batch'));
      const answers: JsonRpcResponse[] = [];
      for (const message of messages) {
        if (!isJsonRpcRequest(message)) {
          answers.push(rpcError(null, RPC.INVALID_REQUEST, 'not a JSON-RPC 2.0 request'));
          continue;
        }
        const answer = await handle(request, message);
        if (answer) answers.push(answer);
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
          .send(errorBody(new BrokerError('INVALID_REQUEST', 'this MCP server is stateless: send JSON-RPC with POST', { httpStatus: 405 }))),
    });
  }
}

/**
 * The gateway in front of every SP-API operation, in Amazon's order: faults (as if the gateway failed),
 * `x-amz-access-token` check, the per (selling partner, operation) token bucket, then the handler.
 * Headers: `x-amzn-RequestId` always; `x-amzn-RateLimit-Limit` on 2xx/400/404 only
 * (docs/amazon.md#rate-limits).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { errorBody, invalidInput, QUOTA_EXCEEDED, serverError, SimHttpError, unauthorized, type SpError } from './errors.js';
import { marketplace } from './marketplaces.js';
import { formatRate, RATE_LIMITS, type RateLimit } from './rate-limits.js';
import type { Sim, Host } from './sim.js';
import type { SellerState } from './state.js';

export interface OpRequest {
  req: FastifyRequest;
  sim: Sim;
  host: Host;
  sellerId: string;
  seller: SellerState;
  params: Record<string, string>;
  query: Record<string, string>;
  /** Parsed JSON body; 400 InvalidInput when absent or malformed. */
  json(): Record<string, unknown>;
}

export interface OpResult {
  status: number;
  body?: unknown;
  contentType?: string;
}

export interface OperationDef {
  method: HTTPMethods;
  url: string;
  operationId: string;
  /** A+ model: error `details` must be non-empty when present. */
  aplus?: boolean;
  /** Solicitations answer `application/hal+json`. */
  contentType?: string;
}

export type OpHandler = (op: OpRequest) => OpResult | Promise<OpResult>;

export function queryRecord(url: string): Record<string, string> {
  const i = url.indexOf('?');
  const out: Record<string, string> = {};
  if (i < 0) return out;
  for (const [k, v] of new URLSearchParams(url.slice(i + 1))) out[k] = k in out ? `${out[k]},${v}` : v;
  return out;
}

export function rawPath(url: string): string {
  const i = url.indexOf('?');
  return i < 0 ? url : url.slice(0, i);
}

export function headerRecord(req: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

export function bodyOf(req: FastifyRequest): { raw: string; parsed: unknown } {
  const buf = Buffer.isBuffer(req.body) ? req.body : undefined;
  if (!buf || buf.length === 0) return { raw: '', parsed: undefined };
  const raw = buf.toString('utf8');
  const ct = String(req.headers['content-type'] ?? '');
  if (ct.includes('json')) {
    try {
      return { raw, parsed: JSON.parse(raw) };
    } catch {
      return { raw, parsed: raw };
    }
  }
  if (ct.includes('x-www-form-urlencoded')) return { raw, parsed: Object.fromEntries(new URLSearchParams(raw)) };
  return { raw, parsed: raw };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Waits until the simulator closes, then destroys the socket (a stalled Amazon). */
export async function stallUntilClosed(sim: Sim, reply: FastifyReply): Promise<void> {
  reply.hijack();
  await new Promise<void>((resolve) => sim.stalled.add(resolve));
  reply.raw.socket?.destroy();
}

export function csv(query: Record<string, string>, name: string): string[] | undefined {
  const v = query[name];
  if (v === undefined) return undefined;
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Validates marketplace ids: known, in this host's region, and one where the seller participates. */
export function checkMarketplaces(op: { host: Host; seller: SellerState }, ids: string[]): void {
  for (const id of ids) {
    const m = marketplace(id);
    if (!m) throw invalidInput(`Invalid marketplaceId: ${id}.`, `${id} is not a valid marketplace identifier.`);
    if (op.host.region && m.region !== op.host.region) {
      throw invalidInput(`${id} is not a valid marketplace for this region.`, `Call the ${m.region} endpoint for marketplace ${id}.`);
    }
    if (!op.seller.spec.marketplaceIds.includes(id)) {
      throw invalidInput(`The seller is not registered in marketplace ${id}.`, `Marketplace ${id} is not one of the selling partner's marketplaces.`);
    }
  }
}

export function requireMarketplaceIds(op: OpRequest, opts: { max?: number; name?: string } = {}): string[] {
  const name = opts.name ?? 'marketplaceIds';
  const ids = csv(op.query, name);
  if (!ids || ids.length === 0) throw invalidInput(`Missing required parameter: ${name}.`, `The ${name} query parameter is required.`);
  if (opts.max !== undefined && ids.length > opts.max) {
    throw invalidInput(`Only ${opts.max} marketplace can be specified.`, `${name} accepts at most ${opts.max} value(s).`);
  }
  checkMarketplaces(op, ids);
  return ids;
}

export function effectiveLimit(sim: Sim, operationId: string): RateLimit | undefined {
  return sim.faults.throttles.get(operationId) ?? RATE_LIMITS[operationId];
}

export function registerOperation(app: FastifyInstance, sim: Sim, host: Host, def: OperationDef, handler: OpHandler): void {
  app.route({
    method: def.method,
    url: def.url,
    handler: async (req, reply) => {
      const { operationId } = def;
      const body = bodyOf(req);
      const recorded = {
        operation: operationId,
        method: req.method,
        path: rawPath(req.url),
        query: queryRecord(req.url),
        headers: headerRecord(req),
        body: body.parsed,
        rawBody: body.raw,
        sellingPartnerId: undefined as string | undefined,
        status: 0,
      };
      sim.stats.call(operationId);
      sim.stats.record(recorded);

      if (sim.faults.isStalled(operationId, true)) return stallUntilClosed(sim, reply);
      if (sim.faults.takeReset(operationId, true)) {
        reply.hijack();
        req.raw.socket.destroy();
        return;
      }
      const limit = effectiveLimit(sim, operationId);
      let status = 500;
      let payload: unknown;
      let rateHeader = false;
      const failure = sim.faults.takeFailure(operationId, true);
      try {
        if (failure) throw new SimHttpError(failure, [serverError(failure)]);
        const token = req.headers['x-amz-access-token'];
        if (typeof token !== 'string' || token.length === 0) throw unauthorized('Access token is missing in the request header.');
        const access = sim.state.accessTokens.get(token);
        if (!access) throw unauthorized('The access token you provided is revoked, malformed or invalid.');
        if (access.expiresAt <= Date.now()) throw unauthorized('The access token you provided has expired.');
        const seller = sim.state.sellers.get(access.sellerId);
        if (!seller) throw unauthorized('The access token you provided is revoked, malformed or invalid.');
        recorded.sellingPartnerId = access.sellerId;
        const throttled = limit !== undefined && (sim.options.rateLimits || sim.faults.throttles.has(operationId))
          ? !sim.buckets.take(`${access.sellerId}|${operationId}`, limit)
          : false;
        sim.stats.outcome(operationId, access.sellerId, throttled);
        if (throttled) throw new SimHttpError(429, [QUOTA_EXCEEDED]);
        const params = req.params as Record<string, string>;
        if (params.sellerId !== undefined && params.sellerId !== access.sellerId) {
          throw unauthorized('The sellerId in the request does not match the selling partner of the access token.');
        }
        const result = await handler({
          req,
          sim,
          host,
          sellerId: access.sellerId,
          seller,
          params,
          query: recorded.query,
          json: () => {
            if (body.parsed === undefined) throw invalidInput('Request body is missing.', 'A JSON request body is required.');
            if (!String(req.headers['content-type'] ?? '').includes('json')) {
              // The A+ model declares no 415; the others do.
              if (def.aplus) throw invalidInput('Unsupported content type.', 'Send the body as application/json.');
              throw new SimHttpError(415, [{ code: 'UnsupportedMediaType', message: 'The request payload is in an unsupported format.', details: 'Send the body as application/json.' }]);
            }
            if (typeof body.parsed !== 'object' || body.parsed === null || Array.isArray(body.parsed)) {
              throw invalidInput('Request body is not valid JSON.', 'The request body must be a JSON object.');
            }
            return body.parsed as Record<string, unknown>;
          },
        });
        status = result.status;
        payload = result.body;
        reply.header('content-type', result.contentType ?? def.contentType ?? 'application/json');
      } catch (err) {
        const e = err instanceof SimHttpError ? err : new SimHttpError(500, [serverError(500)]);
        if (!(err instanceof SimHttpError)) req.log.error({ err }, 'simulator handler failed');
        status = e.status;
        payload = errorBody(e.errors as SpError[], def.aplus === true);
        reply.header('content-type', def.contentType ?? 'application/json');
      }
      rateHeader = status < 300 || status === 400 || status === 404;
      reply.header('x-amzn-RequestId', randomUUID());
      if (rateHeader && limit) reply.header('x-amzn-RateLimit-Limit', formatRate(limit.rate));
      recorded.status = status;
      if (sim.faults.latencyMs > 0) await sleep(sim.faults.latencyMs);
      return reply.code(status).send(payload === undefined ? '' : JSON.stringify(payload));
    },
  });
}

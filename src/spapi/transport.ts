import { Pool } from 'undici';
import type { Config } from '../config.js';
import { regionEndpoint, type Region } from '../marketplaces/marketplaces.js';
import { USER_AGENT, buildQuery, exchange, parseJsonBody } from './http.js';
import type { RequestSigner } from './signing.js';
import type { HttpMethod, OperationName, SpApiRequest } from './types.js';

/** Amazon's answer to one attempt: status, headers (lower-case names) and the parsed JSON body. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/**
 * A request as it goes on the wire, built once per call and sent on every attempt: `path` is the
 * encoded path as sent, `search` the encoded query ('' or '?…'), `body` the JSON text.
 */
export interface Outgoing {
  origin: string;
  path: string;
  search: string;
  method: HttpMethod;
  body: string | undefined;
  accept: string;
}

/** An attempt that got no answer within the configured time limit. */
export class TimeoutError extends Error {
  override name = 'TimeoutError';
}

/** The Solicitations API produces application/hal+json (its model's `produces`); the rest answer JSON. */
const HAL_OPERATIONS = new Set<OperationName>(['getSolicitationActionsForOrder', 'createProductReviewAndSellerFeedbackSolicitation']);
const acceptFor = (operation: OperationName) => (HAL_OPERATIONS.has(operation) ? 'application/hal+json, application/json' : 'application/json');

/**
 * The connections to Amazon's regional hosts: one keep-alive undici Pool per origin, each region's
 * base URL parsed once, and each attempt signed (SigV4 when AWS credentials are configured) and
 * sent under the time limit.
 */
export class RegionalTransport {
  private readonly pools = new Map<string, Pool>();
  // Parsed once per region: parsing the URL on every call is a visible part of a call's cost.
  private readonly bases = new Map<Region, { origin: string; basePath: string }>();

  constructor(
    private readonly config: Config,
    private readonly signer: RequestSigner | undefined,
  ) {}

  /** The request as it will be sent to the seller's region, built once for all its attempts. */
  prepare(region: Region, req: SpApiRequest): Outgoing {
    const { origin, basePath } = this.baseOf(region);
    return {
      origin,
      // The path is sent as built, never through the URL parser: it would drop a SKU "." or ".."
      // (even percent-encoded) as a dot segment and call another resource.
      path: `${basePath}${req.path}`,
      // buildQuery encodes every byte a URL would (RFC 3986), so the query is sent as built.
      search: buildQuery(req.query),
      method: req.method,
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      accept: acceptFor(req.operation),
    };
  }

  /** One attempt with `token`; the time limit covers connecting, the headers and the whole body. */
  async send(region: Region, { origin, path, search, method, body, accept }: Outgoing, token: string): Promise<Answer> {
    let headers: Record<string, string> = {
      'x-amz-access-token': token,
      'user-agent': USER_AGENT,
      accept,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    };
    if (this.signer) headers = await this.signer.sign(region, { method, url: new URL(`/${search}`, origin), path, headers, body }, new Date()); // the path is given as sent
    else headers['x-amz-date'] = amzDate(Date.now());
    const answer = await exchange(
      this.poolFor(origin),
      { method, path: `${path}${search}`, headers, body: body ?? null },
      this.config.spapiTimeoutMs,
      () => new TimeoutError(),
    );
    return { status: answer.status, headers: answer.headers, body: parseJsonBody(answer.text) };
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.pools.values()].map((pool) => pool.close()));
    this.pools.clear();
  }

  private baseOf(region: Region) {
    let base = this.bases.get(region);
    if (!base) {
      const url = new URL(regionEndpoint(this.config, region));
      base = { origin: url.origin, basePath: url.pathname.replace(/\/+$/, '') };
      this.bases.set(region, base);
    }
    return base;
  }

  private poolFor(origin: string) {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, { connections: 32, keepAliveTimeout: 30_000, pipelining: 1 });
      this.pools.set(origin, pool);
    }
    return pool;
  }
}

let amzDateSecond = -1;
let amzDateText = '';
/** x-amz-date (basic ISO 8601, to the second): formatted once per second, not per call. */
function amzDate(nowMs: number): string {
  const second = Math.floor(nowMs / 1000);
  if (second !== amzDateSecond) {
    amzDateSecond = second;
    amzDateText = new Date(second * 1000).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  }
  return amzDateText;
}

import { SEED, type RunningSimulator } from '../../src/simulator/index.js';

/**
 * Talks to the simulator directly, as another application of the same seller would (to read Amazon's
 * live state, or create feeds and reports the broker then reads): never through the broker.
 */

/** An answer of the simulator: the body parsed when it is JSON, else the text. */
export interface SimAnswer {
  status: number;
  headers: Headers;
  // Amazon's JSON as it came: each test asserts the parts it reads.
  body: any;
  text: string;
}

/** The refresh-token grant at the simulator's LWA; answers the access token. */
export async function accessToken(sim: Pick<RunningSimulator, 'lwaTokenUrl'>, refreshToken = SEED.sellers.NA.refreshToken): Promise<string> {
  const response = await fetch(sim.lwaTokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: SEED.lwa.clientId, client_secret: SEED.lwa.clientSecret }).toString(),
  });
  const body = (await response.json()) as { access_token?: string };
  if (response.status !== 200 || !body.access_token) throw new Error(`LWA failed: ${response.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

/** One SP-API request with `token` as x-amz-access-token (none when undefined). */
export async function call(base: string, token: string | undefined, method: string, pathAndQuery: string, body?: unknown): Promise<SimAnswer> {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers['x-amz-access-token'] = token;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + pathAndQuery, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON: the text is the body
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

export type SimulatorClient = Awaited<ReturnType<typeof simulatorClient>>;

/** A client of the seller whose refresh token is `refreshToken` (the NA sandbox seller's by default), at `base` (the simulator's first host). */
export async function simulatorClient(sim: Pick<RunningSimulator, 'lwaTokenUrl' | 'baseUrl'>, refreshToken = SEED.sellers.NA.refreshToken, base = sim.baseUrl) {
  const token = await accessToken(sim, refreshToken);
  return {
    token,
    get: (path: string) => call(base, token, 'GET', path),
    post: (path: string, body?: unknown) => call(base, token, 'POST', path, body),
    patch: (path: string, body?: unknown) => call(base, token, 'PATCH', path, body),
    del: (path: string) => call(base, token, 'DELETE', path),
  };
}

/** createFeedDocument → PUT the content → createFeed, as the seller; answers the feed id. */
export async function submitFeed(client: Pick<SimulatorClient, 'post'>, feed: { feedType: string; content: string; contentType: string; marketplaceId: string }): Promise<string> {
  const document = await client.post('/feeds/2021-06-30/documents', { contentType: feed.contentType });
  const put = await fetch(document.body?.url, { method: 'PUT', headers: { 'content-type': feed.contentType }, body: feed.content });
  if (put.status !== 200) throw new Error(`feed upload failed: ${put.status}`);
  const created = await client.post('/feeds/2021-06-30/feeds', { feedType: feed.feedType, marketplaceIds: [feed.marketplaceId], inputFeedDocumentId: document.body?.feedDocumentId });
  if (created.status !== 202) throw new Error(`createFeed failed: ${created.status} ${created.text}`);
  return created.body?.feedId as string;
}

/**
 * SP-API simulator: stands in for Amazon (LWA + the SP-API operations the broker uses, at Amazon's
 * paths, with Amazon's shapes, errors and per-seller rate limits) for tests, benchmarks and sandbox mode.
 */
import { buildHostApp } from './app.js';
import { Faults, type SimulatorFaults } from './faults.js';
import { DEFAULT_APP_ROLES } from './feed-roles.js';
import { expireAccessTokens, issueAuthorizationCode, revokeRefreshToken } from './lwa.js';
import type { Region } from './marketplaces.js';
import { TokenBuckets } from './rate-limits.js';
import { CONTRACT_SELLERS, LWA_CLIENT_ID, LWA_CLIENT_SECRET, type SellerSpec } from './seed.js';
import type { Host, Sim } from './sim.js';
import { SimState, type Timings } from './state.js';
import type { ListingRecord } from './catalog-data.js';
import { Stats, type SimulatorStats } from './stats.js';

export { SEED } from './seed.js';
export type { SimulatorFaults, FaultSettings } from './faults.js';
export type { SimulatorStats, RecordedRequest } from './stats.js';
export { RATE_LIMITS } from './rate-limits.js';
export { MARKETPLACES } from './marketplaces.js';

export interface SimulatorOptions {
  /** 0 / undefined = random free port (regional: NA on `port`, EU on `port+1`, FE on `port+2`). */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** true: three hosts NA/EU/FE; each rejects marketplaces of another region. */
  regional?: boolean;
  /** Default 'sandbox-client'. */
  clientId?: string;
  /** Default 'sandbox-secret'. */
  clientSecret?: string;
  /** Default true: Amazon's per-seller per-operation token buckets. */
  rateLimits?: boolean;
  /** Default { inQueueMs: 300, inProgressMs: 700 } (reports and feeds). */
  reportTimings?: Timings;
  /** Default 3600. */
  accessTokenTtlSeconds?: number;
  /** Lifetime of report/feed document URLs; default 300 (Amazon: "expires after 5 minutes"). */
  documentUrlTtlSeconds?: number;
  /** Fastify logger of the hosts; default false. */
  logger?: boolean;
  /** Rows of every search terms report, generated as a stream (Amazon's are millions); default: a few seeded rows. */
  searchTermsRows?: number;
  /** Roles of the simulated application; default SellerShorts' own: Product Listing, Selling Partner Insights, Brand Analytics. */
  appRoles?: readonly string[];
}

export interface RunningSimulator {
  /** e.g. http://127.0.0.1:PORT (the NA host when regional). */
  baseUrl: string;
  /** All === baseUrl unless regional. */
  endpoints: { NA: string; EU: string; FE: string };
  /** `${baseUrl}/auth/o2/token`. */
  lwaTokenUrl: string;
  faults: SimulatorFaults;
  stats: SimulatorStats;
  /** Registers a seller (and its refresh token) and seeds its data. */
  addSeller(seller: { sellingPartnerId: string; refreshToken: string; marketplaceIds: string[] }): void;
  revokeRefreshToken(refreshToken: string): void;
  /** A one-time code (valid 5 min) that the authorization_code grant exchanges for that seller's refresh token. */
  issueAuthorizationCode(args: { sellingPartnerId: string; refreshToken?: string }): string;
  /** Every issued access token becomes invalid (403 Unauthorized like Amazon). */
  expireAccessTokens(): void;
  /** Rows of search terms reports finished from now on (undefined: the few seeded rows). */
  setSearchTermsRows(rows: number | undefined): void;
  /** Changes how long reports and feeds stay IN_QUEUE and IN_PROGRESS, for jobs old and new. */
  setReportTimings(timings: Timings): void;
  /** Plays an application with these roles from now on (e.g. one that holds Inventory and Order Tracking). */
  setAppRoles(roles: readonly string[]): void;
  /** Changes a listing as the seller would in Seller Central (outside the API), e.g. its product type. */
  editListing(sellingPartnerId: string, sku: string, edit: (listing: ListingRecord) => void): void;
  close(): Promise<void>;
}

const REGIONS: Region[] = ['NA', 'EU', 'FE'];

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const listenHost = options.host ?? '127.0.0.1';
  const regional = options.regional === true;
  const sim: Sim = {
    options: {
      host: listenHost,
      regional,
      rateLimits: options.rateLimits !== false,
      appRoles: [...(options.appRoles ?? DEFAULT_APP_ROLES)],
      ...(options.searchTermsRows !== undefined ? { searchTermsRows: options.searchTermsRows } : {}),
    },
    state: new SimState(
      options.clientId ?? LWA_CLIENT_ID,
      options.clientSecret ?? LWA_CLIENT_SECRET,
      options.accessTokenTtlSeconds ?? 3600,
      { ...(options.reportTimings ?? { inQueueMs: 300, inProgressMs: 700 }) }, // its own copy: setReportTimings changes it
      options.documentUrlTtlSeconds ?? 300,
    ),
    faults: new Faults(),
    stats: new Stats(),
    buckets: new TokenBuckets(),
    stalled: new Set(),
    timers: new Set(),
  };
  const addSeller = (s: SellerSpec) => {
    sim.state.addSeller({ sellingPartnerId: s.sellingPartnerId, refreshToken: s.refreshToken, marketplaceIds: [...s.marketplaceIds] });
  };
  for (const s of CONTRACT_SELLERS) addSeller(s);

  const hosts: (Host & { app: ReturnType<typeof buildHostApp> })[] = (regional ? REGIONS : [null]).map((region) => {
    const host: Host = { region, baseUrl: '' };
    return Object.assign(host, { app: buildHostApp(sim, host, addSeller, options.logger === true) });
  });
  const started: typeof hosts = [];
  try {
    for (const [i, h] of hosts.entries()) {
      const port = options.port ? options.port + i : 0;
      await h.app.listen({ port, host: listenHost });
      const address = h.app.server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      const urlHost = listenHost.includes(':') ? `[${listenHost}]` : listenHost;
      h.baseUrl = `http://${urlHost === '0.0.0.0' ? '127.0.0.1' : urlHost}:${actual}`;
      started.push(h);
    }
  } catch (err) {
    await Promise.all(started.map((h) => h.app.close()));
    throw err;
  }

  const base = hosts[0]!.baseUrl;
  const endpoints = regional
    ? { NA: hosts[0]!.baseUrl, EU: hosts[1]!.baseUrl, FE: hosts[2]!.baseUrl }
    : { NA: base, EU: base, FE: base };
  let closed = false;
  return {
    baseUrl: base,
    endpoints,
    lwaTokenUrl: `${base}/auth/o2/token`,
    faults: sim.faults,
    stats: sim.stats,
    addSeller,
    revokeRefreshToken: (t) => revokeRefreshToken(sim, t),
    issueAuthorizationCode: (args) => issueAuthorizationCode(sim, args),
    expireAccessTokens: () => expireAccessTokens(sim),
    setSearchTermsRows: (rows) => {
      if (rows === undefined) delete sim.options.searchTermsRows;
      else sim.options.searchTermsRows = rows;
    },
    setReportTimings: (timings) => {
      Object.assign(sim.state.timings, timings);
    },
    setAppRoles: (roles) => {
      sim.options.appRoles = [...roles];
    },
    editListing: (sellingPartnerId, sku, edit) => {
      const listing = sim.state.sellers.get(sellingPartnerId)?.listings.get(sku);
      if (!listing) throw new Error(`no listing ${sku} of seller ${sellingPartnerId}`);
      edit(listing);
    },
    close: async () => {
      if (closed) return;
      closed = true;
      for (const t of sim.timers) clearTimeout(t);
      sim.timers.clear();
      for (const release of sim.stalled) release();
      sim.stalled.clear();
      await Promise.all(hosts.map((h) => h.app.close()));
    },
  };
}

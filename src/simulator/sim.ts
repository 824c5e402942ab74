/** The simulator's shared runtime: options, state, faults, stats and buckets, plus per-host context. */
import type { Faults } from './faults.js';
import type { Region } from './marketplaces.js';
import type { TokenBuckets } from './rate-limits.js';
import type { SimState } from './state.js';
import type { Stats } from './stats.js';

export interface ResolvedOptions {
  host: string;
  regional: boolean;
  rateLimits: boolean;
  /** When set, search terms reports have this many generated rows (streamed); else a few seeded ones. */
  searchTermsRows?: number;
  /** The roles of the calling application's registration: createFeed refuses feed types of other roles (feed-roles.ts). */
  appRoles: readonly string[];
}

export interface Sim {
  options: ResolvedOptions;
  state: SimState;
  faults: Faults;
  stats: Stats;
  buckets: TokenBuckets;
  /** Resolvers of stalled requests, released (and their sockets destroyed) on close. */
  stalled: Set<() => void>;
  /** Pending timers (feed processing), cleared on close. */
  timers: Set<NodeJS.Timeout>;
}

export interface Host {
  /** null when one host serves every region. */
  region: Region | null;
  /** Base URL of this host, e.g. http://127.0.0.1:9100 (set once listening). */
  baseUrl: string;
}

/** What the capability integration tests share beyond test/helpers/harness.ts. */
import type { RecordedRequest, RunningSimulator } from '../../src/simulator/index.js';
import type { BrokerOptions } from '../helpers/harness.js';

/** Reports and feeds done in 300 ms (Amazon's take about a second here), so the read capabilities wait little. */
export const QUICK_REPORTS: BrokerOptions = { simulator: { reportTimings: { inQueueMs: 100, inProgressMs: 200 } } };

/**
 * What Amazon received for `operation` since `from` (an index into sim.stats.requests). Throttled
 * attempts (429) are left out: the broker's limiter and Amazon's bucket may drift by a token, and
 * a 429 retried is the limiter's business, not what these tests are about.
 */
export function received(sim: RunningSimulator, operation: string, from = 0): RecordedRequest[] {
  return sim.stats.requests.slice(from).filter((r) => r.operation === operation && r.status !== 429);
}

export const mark = (sim: RunningSimulator) => sim.stats.requests.length;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

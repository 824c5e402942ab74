import { writeFileSync } from 'node:fs';
import { closedLoop, openLoop } from './load.js';
import { startHotPath } from './hot-path-fixture.js';
import { profileWhile } from './inspector-profile.js';
import { freePort } from './support.js';

/**
 * bench/idle-probe: the broker's first seconds of `listings.get` at a fixed open-loop rate after a
 * pause — PROBE_WARMUP_SECONDS of saturated `listings.get`, then PROBE_STATUS_SECONDS of saturated
 * `connect.status` (another code path), then PROBE_IDLE_SECONDS with no call — with the p99 of
 * each second. PROBE_PROFILE_FILE: a CPU profile of those seconds (the inspector's, started before
 * the first call). BENCH_BROKER_NODE_OPTIONS: extra node flags for the broker (e.g. to compare V8
 * flags). Diagnostic only (issue 13's tail): this is how `--no-memory-reducer` was found, and why
 * bench/hot-path's open loops have a lead-in of a few seconds.
 */
const RATE = Number(process.env.PROBE_RATE ?? 1350);
const SECONDS = Number(process.env.PROBE_SECONDS ?? 4);
const WARMUP_SECONDS = Number(process.env.PROBE_WARMUP_SECONDS ?? 5);
const STATUS_SECONDS = Number(process.env.PROBE_STATUS_SECONDS ?? 5);
const IDLE_SECONDS = Number(process.env.PROBE_IDLE_SECONDS ?? 11);
const PROFILE_FILE = process.env.PROBE_PROFILE_FILE;

const inspectorPort = await freePort();
const extra = process.env.BENCH_BROKER_NODE_OPTIONS?.split(' ').filter(Boolean) ?? [];
const world = await startHotPath({ sellers: 2000, workers: process.env.BENCH_WORKERS ?? '1', brokerNodeOptions: [`--inspect-port=${inspectorPort}`, ...extra] });
try {
  await closedLoop(world.broker.url, world.listingsCalls, 32, WARMUP_SECONDS);
  await world.resetQuotas();
  if (STATUS_SECONDS > 0) await closedLoop(world.broker.url, world.statusCalls, 32, STATUS_SECONDS);
  await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
  // No lead-in: the first calls after the pause are the ones measured.
  const load = () => openLoop(world.broker.url, world.listingsCalls, RATE, SECONDS, undefined, 0);
  if (PROFILE_FILE) {
    const { result, profile } = await profileWhile(world.broker.child.pid as number, inspectorPort, load);
    writeFileSync(PROFILE_FILE, JSON.stringify(profile));
    console.log(JSON.stringify(result, null, 2));
  } else {
    console.log(JSON.stringify(await load(), null, 2));
  }
} finally {
  await world.close();
}

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CAPABILITY_NAMES, findCapability } from '../../src/capabilities/index.js';
import { DIST, ensureBuild } from '../helpers/build.js';

/** `npm start` (node dist/server.js) with nothing configured: sandbox mode, embedded storage, the simulator, a printed curl that works. */
const dataDir = mkdtempSync(path.join(tmpdir(), 'broker-sandbox-'));
let child: ChildProcess | undefined;
afterAll(() => {
  child?.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
});

async function startSandbox(): Promise<string> {
  await ensureBuild();
  // What `npm start` runs (npm itself is left out so the signal reaches node).
  child = spawn(process.execPath, [path.join(DIST, 'server.js')], {
    // Nothing configured but where to keep data and a free port.
    env: { PATH: process.env.PATH ?? '', BROKER_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner in time:\n${output}`)), 45_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('curl -s -X POST') && output.split('\n').some((l) => l.startsWith('curl'))) {
        clearTimeout(timer);
        resolve(output);
      }
    };
    child?.stdout?.on('data', onData);
    child?.stderr?.on('data', onData);
    child?.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sandbox exited ${code}:\n${output}`));
    });
  });
}

/** SIGTERM closes the broker and the simulator and exits cleanly. */
async function stop() {
  const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
  child?.kill('SIGTERM');
  expect(await exited).toBe(0);
}

const listingsUpdateExample = (findCapability('listings.update')?.params as { examples: Record<string, unknown>[] }).examples[0] as Record<string, unknown>;

describe('sandbox mode', () => {
  it('starts with nothing configured and its printed commands mint a token and call orders.summary', async () => {
    const banner = await startSandbox();
    expect(banner).toContain('SANDBOX MODE');
    const baseUrl = /listening on\s+(http:\/\/\S+)/.exec(banner)?.[1] as string;
    const key = /internal API key\s+(\S+)/.exec(banner)?.[1] as string;
    const mintBody = /-d '(\{"order_id".*?\})'/.exec(banner)?.[1] as string;
    const callBody = /-d '(\{"capability".*?\})'/.exec(banner)?.[1] as string;
    expect(baseUrl && key && mintBody && callBody).toBeTruthy();

    const minted = await fetch(`${baseUrl}/internal/job-tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: mintBody,
    });
    expect(minted.status).toBe(201);
    const token = ((await minted.json()) as { data: { job_token: string } }).data.job_token;
    const called = await fetch(`${baseUrl}/api/capabilities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: callBody,
    });
    const body = (await called.json()) as { ok: boolean; data: { metrics: { order_count: number; total_sales: { currency_code: string } }[] } };
    expect(called.status).toBe(200);
    expect(body.ok).toBe(true);
    expect(body.data.metrics.length).toBe(7);
    expect(body.data.metrics[0]?.total_sales.currency_code).toBe('USD');

    // The token grants all 14 capabilities, and the banner points at the sandbox's seeded world.
    expect((JSON.parse(mintBody) as { capabilities: string[] }).capabilities).toEqual(CAPABILITY_NAMES);
    expect(banner).toContain('docs/sandbox.md');
    const fixturesUrl = /(http:\/\/\S+\/_sim\/fixtures)/.exec(banner)?.[1] as string;
    const fixtures = (await (await fetch(fixturesUrl)).json()) as { sellers: { selling_partner_id: string }[] };
    expect(fixtures.sellers.map((s) => s.selling_partner_id)).toEqual(['A1SANDBOXNA0001', 'A2SANDBOXEU0002', 'A3SANDBOXFE0003']);

    // A write staged, applied and read back, before a restart.
    const call = (capability: string, params: Record<string, unknown>) =>
      fetch(`${baseUrl}/api/capabilities`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ capability, provider: 'amazon', params }),
      }).then(async (r) => (await r.json()) as { ok: boolean; data: any });
    const titleOf = async () => (await call('listings.get', { sku: 'SS-MUG-001' })).data.attributes.item_name[0].value as string;
    const original = await titleOf();
    const staged = await call('listings.update', listingsUpdateExample);
    expect(staged.data.status).toBe('PENDING_CONFIRMATION');
    const applied = await fetch(`${baseUrl}/internal/confirmations/${staged.data.confirmation_id as string}/apply`, { method: 'POST', headers: { authorization: `Bearer ${key}` } });
    expect(applied.status).toBe(200);
    expect(await titleOf()).not.toBe(original);

    await stop();
    // A restart brings back the simulator's seeded world, and the broker's sandbox data is reset
    // with it: no confirmation says "applied" about a title the simulator no longer has.
    const again = await startSandbox();
    expect(/internal API key\s+(\S+)/.exec(again)?.[1]).toBe(key);
    const againUrl = /listening on\s+(http:\/\/\S+)/.exec(again)?.[1] as string;
    const stale = await fetch(`${againUrl}/api/capabilities`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: callBody });
    expect(stale.status).toBe(401);
    const order = (JSON.parse(mintBody) as { order_id: string }).order_id;
    const confirmations = await fetch(`${againUrl}/internal/confirmations?order_id=${order}`, { headers: { authorization: `Bearer ${key}` } });
    expect(((await confirmations.json()) as { data: { confirmations: unknown[] } }).data.confirmations).toEqual([]);
    await stop();
  }, 300_000);
});

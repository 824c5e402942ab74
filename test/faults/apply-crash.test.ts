import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX } from '../../src/capabilities/examples.js';
import { APPLY_LEASE_MS } from '../../src/confirmations/types.js';
import { buildTestApp, callCapability, internalHeaders, mintToken, simulatorConfig, type TestApp } from '../helpers/app.js';
import { connectBuyer } from '../helpers/buyers.js';
import { ensureBuild } from '../helpers/build.js';
import { childEnvironment, startChildBroker, type ChildBroker } from '../helpers/child-broker.js';
import { TcpRelay } from '../helpers/tcp-relay.js';
import { missing } from '../helpers/services.js';
import { useSimulator, useTestDatabase } from '../helpers/harness.js';
import { isLiveWrite, US } from '../writes/helpers.js';

/**
 * Issue 11: the broker process SIGKILLed during an apply — after Amazon answered but before the
 * database commit, and before Amazon answered. After a restart (here: another instance on the same
 * database, once the dead process's lease is over), the write is neither lost nor sent twice, and
 * the confirmation says what happened.
 */
describe.skipIf(missing('Postgres', 'Redis'))('a broker killed in the middle of an apply', () => {
  const sim = useSimulator({ rateLimits: false });
  const database = useTestDatabase();
  let relay: TcpRelay;
  /** The instance that survives: stages writes and, after the crash, applies again. */
  let survivor: TestApp;
  let child: ChildBroker | undefined;
  let buyerId: string;

  beforeAll(async () => {
    await ensureBuild();
    relay = await TcpRelay.start(database.url!);
    survivor = await buildTestApp(simulatorConfig(sim), { database });
    buyerId = await connectBuyer(survivor);
  }, 240_000);
  afterAll(async () => {
    await child?.kill();
    await survivor?.close();
    await relay?.close();
  });

  const db = () => survivor.app.services.db;
  const SKU = SANDBOX.sku;

  async function stageTitle(title: string): Promise<string> {
    const { jobToken } = await mintToken(survivor, { buyerId, capabilities: ['listings.update'] });
    const staged = await callCapability(survivor.app, jobToken, 'listings.update', {
      sku: SKU,
      product_type: SANDBOX.productType,
      patches: [{ op: 'replace', path: '/attributes/item_name', value: [{ value: title }] }],
      marketplace_id: US,
    });
    expect(staged.statusCode, staged.body).toBe(200);
    return (staged.json() as { data: { confirmation_id: string } }).data.confirmation_id;
  }

  async function startChild() {
    // The child reaches Postgres through the relay, so the test can stall its commit.
    child = await startChildBroker(childEnvironment({ ...survivor.config, databaseUrl: relay.via(database.url!) }));
    return child;
  }

  /** Calls apply on the child without waiting: the child dies before it answers. */
  function applyOnChild(broker: ChildBroker, id: string) {
    return fetch(`${broker.baseUrl}/internal/confirmations/${id}/apply`, { method: 'POST', headers: internalHeaders(survivor.config) }).then(
      (response) => `answered ${response.status}`,
      () => 'connection lost',
    );
  }

  async function untilAmazonReceivesThePatch(mark: number) {
    for (let i = 0; i < 400; i++) {
      if (sim.stats.requests.slice(mark).some(isLiveWrite)) return;
      await sleep(5);
    }
    throw new Error('the PATCH never reached the simulator');
  }

  /** The dead process's claim is past its lease: what a restarted broker finds minutes later. */
  async function leaseRunsOut(id: string) {
    const row = await db().selectFrom('confirmations').select(['status', 'updated_at']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.status).toBe('applying');
    await db().updateTable('confirmations').set({ updated_at: new Date(row.updated_at.getTime() - APPLY_LEASE_MS - 1000) }).where('id', '=', id).execute();
  }

  const applyOnSurvivor = (id: string) => survivor.app.inject({ method: 'POST', url: `/internal/confirmations/${id}/apply`, headers: internalHeaders(survivor.config) });
  const processedPatches = (mark: number) => sim.stats.requests.slice(mark).filter((r) => isLiveWrite(r) && r.status === 200);

  async function confirmationView(id: string) {
    const row = await db().selectFrom('confirmations').select('order_id').where('id', '=', id).executeTakeFirstOrThrow();
    const listed = await survivor.app.inject({ method: 'GET', url: `/internal/confirmations?order_id=${row.order_id}`, headers: internalHeaders(survivor.config) });
    return (listed.json() as { data: { confirmations: { id: string; status: string; result?: Record<string, unknown> }[] } }).data.confirmations.find((c) => c.id === id);
  }

  it('killed after Amazon answered, before the commit: the restarted broker finds the change at Amazon and does not send it again', async () => {
    const id = await stageTitle('Crash After Answer Mug');
    const broker = await startChild();
    const mark = sim.stats.requests.length;
    sim.faults.latencyMs = 800;
    const pending = applyOnChild(broker, id);
    await untilAmazonReceivesThePatch(mark);
    // Amazon has applied the PATCH and answers in 800 ms; the broker's commit will never get through.
    relay.stall();
    await sleep(1_200);
    await broker.kill('SIGKILL');
    expect(await pending).toBe('connection lost');
    sim.faults.latencyMs = 0;
    // The dead process's last bytes (its UPDATE) must not reach Postgres after its death: drop them.
    relay.cut();
    relay.restore();

    await leaseRunsOut(id);
    const answer = await applyOnSurvivor(id);
    expect(answer.statusCode, answer.body).toBe(200);
    const data = answer.json().data as { status: string; result: { status: string; recovery?: string } };
    expect(data.status).toBe('APPLIED');
    expect(processedPatches(mark)).toHaveLength(1);
    expect(data.result.recovery).toMatch(/interrupted.*already shows.*not sent again/);
    const view = await confirmationView(id);
    expect(view?.status).toBe('applied');
    expect(view?.result?.recovery).toBe(data.result.recovery);
    // A later apply answers the same, and still sends nothing.
    expect((await applyOnSurvivor(id)).json()).toEqual(answer.json());
    expect(processedPatches(mark)).toHaveLength(1);
  });

  it('killed before Amazon answered (the PATCH never processed): the restarted broker sends it exactly once', async () => {
    const id = await stageTitle('Crash Before Answer Mug');
    const broker = await startChild();
    const mark = sim.stats.requests.length;
    sim.faults.stall('patchListingsItem');
    const pending = applyOnChild(broker, id);
    await untilAmazonReceivesThePatch(mark);
    await broker.kill('SIGKILL');
    expect(await pending).toBe('connection lost');
    sim.faults.reset();

    await leaseRunsOut(id);
    const answer = await applyOnSurvivor(id);
    expect(answer.statusCode, answer.body).toBe(200);
    const data = answer.json().data as { status: string; result: { status: string; recovery?: string } };
    expect(data.status).toBe('APPLIED');
    expect(data.result.status).toBe('ACCEPTED');
    expect(data.result.recovery).toMatch(/interrupted.*did not show.*sent once now/);
    expect(processedPatches(mark)).toHaveLength(1);
    expect((await confirmationView(id))?.status).toBe('applied');
  });
});

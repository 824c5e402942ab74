import { afterAll, beforeAll } from 'vitest';
import type { Config } from '../../src/config.js';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../src/simulator/index.js';
import { buildTestApp, callCapability, createTestDatabase, mintToken, randomSuffix, simulatorConfig, type TestApp, type TestAppOptions, type TestDatabase } from './app.js';
import { connectBuyer, seededSeller, type Region, type Seller } from './buyers.js';
import { simulatorClient, type SimulatorClient } from './simulator-client.js';

/**
 * The set-up the integration tests share: Amazon (the simulator), the real app pointed at it, a
 * buyer connected to a seller, a caller holding a job token. `start…` and `connect…` answer the
 * thing itself; each `use…` starts it in a beforeAll of the enclosing describe (or file) and stops
 * it in the matching afterAll, so a test file says in one line what it needs.
 */

/**
 * Makes a value in a beforeAll and stops it in the matching afterAll; answers a stand-in that reads
 * through to the value (its methods bound to it). Reading the stand-in outside the tests — before
 * the beforeAll made the value or after the afterAll stopped it — throws.
 */
export function setUpForAll<T extends object>(start: () => Promise<T>, stop: (value: T) => Promise<unknown> = async () => {}, timeoutMs?: number): T {
  let value: T | undefined;
  beforeAll(async () => {
    value = await start();
  }, timeoutMs);
  afterAll(async () => {
    const started = value;
    value = undefined;
    if (started) await stop(started);
  }, timeoutMs);
  const current = (key: PropertyKey): T => {
    if (value === undefined) throw new Error(`read .${String(key)} of a set-up outside its tests: its beforeAll has not run or its afterAll has`);
    return value;
  };
  return new Proxy({} as T, {
    get(_, key) {
      // Promise resolution probes `then` and printing probes symbols: the stand-in is no thenable.
      if (value === undefined && (key === 'then' || typeof key === 'symbol')) return undefined;
      const target = current(key);
      const property: unknown = Reflect.get(target, key);
      return typeof property === 'function' ? property.bind(target) : property;
    },
    set: (_, key, newValue) => Reflect.set(current(key), key, newValue),
    has: (_, key) => Reflect.has(current(key), key),
    ownKeys: () => Reflect.ownKeys(current('ownKeys')),
    getOwnPropertyDescriptor(_, key) {
      const descriptor = Reflect.getOwnPropertyDescriptor(current(key), key);
      // The stand-in's own target is empty: a proxy may only report configurable properties it lacks.
      return descriptor && { ...descriptor, configurable: true };
    },
  });
}

/** A simulator and the real app pointed at it. */
export interface Broker extends Pick<TestApp, 'app' | 'config' | 'logs'> {
  sim: RunningSimulator;
  testApp: TestApp;
  close(): Promise<void>;
}

export interface BrokerOptions {
  /** The simulator's (its defaults are Amazon's: rate limits on, reports done after about a second). */
  simulator?: SimulatorOptions;
  /** Config on top of testConfig() and the simulator's endpoints. */
  config?: Partial<Config>;
  app?: TestAppOptions;
}

export async function startBroker(options: BrokerOptions = {}): Promise<Broker> {
  const sim = await startSimulator(options.simulator);
  let testApp: TestApp;
  try {
    testApp = await buildTestApp({ ...simulatorConfig(sim), ...options.config }, options.app);
  } catch (error) {
    await sim.close();
    throw error;
  }
  return {
    sim,
    testApp,
    app: testApp.app,
    config: testApp.config,
    logs: testApp.logs,
    async close() {
      await testApp.close();
      await sim.close();
    },
  };
}

export const useBroker = (options: BrokerOptions = {}, timeoutMs?: number): Broker => setUpForAll(() => startBroker(options), (broker) => broker.close(), timeoutMs);

/** The app alone (embedded or the run's Postgres and Redis; Amazon unreachable). */
export const useTestApp = (overrides: Partial<Config> = {}, options: TestAppOptions = {}): TestApp =>
  setUpForAll(() => buildTestApp(overrides, options), (testApp) => testApp.close());

/** An empty database of its own on the run's Postgres (none without one: the apps then use PGlite), to share between instances; dropped after. */
export const useTestDatabase = (): TestDatabase => setUpForAll(() => createTestDatabase(), (database) => database.drop());

export const useSimulator = (options: SimulatorOptions = {}): RunningSimulator => setUpForAll(() => startSimulator(options), (sim) => sim.close());

/** A direct client of the simulator for the seller of `refreshToken` (see simulator-client.ts). */
export const useSimulatorClient = (sim: RunningSimulator, refreshToken?: string): SimulatorClient => setUpForAll(() => simulatorClient(sim, refreshToken));

/** A buyer connected to a seller, holding a job token; `call` invokes a capability through POST /api/capabilities. */
export interface Caller {
  buyerId: string;
  orderId: string;
  jobToken: string;
  tokenId: string;
  call(capability: string, params?: Record<string, unknown>, headers?: Record<string, string>): ReturnType<typeof callCapability>;
}

export interface CallerOptions {
  /** The seeded seller of this region (NA by default)… */
  region?: Region;
  /** …or this seller… */
  seller?: Seller;
  /** …or a buyer already connected. */
  buyerId?: string;
  orderId?: string;
  autoApply?: string[];
}

/** A caller with a token for `capabilities`, for a new buyer connected as `options` say (the NA sandbox seller by default). */
export async function connectCaller(testApp: Pick<TestApp, 'app' | 'config'>, capabilities: string[], options: CallerOptions = {}): Promise<Caller> {
  const buyerId = options.buyerId ?? (await connectBuyer(testApp, options.seller ?? seededSeller(options.region)));
  const orderId = options.orderId ?? `order-${randomSuffix()}`;
  const { jobToken, tokenId } = await mintToken(testApp, { buyerId, orderId, capabilities, ...(options.autoApply ? { autoApply: options.autoApply } : {}) });
  return {
    buyerId,
    orderId,
    jobToken,
    tokenId,
    call: (capability, params = {}, headers = {}) => callCapability(testApp.app, jobToken, capability, params, headers),
  };
}

export const useCaller = (testApp: Pick<TestApp, 'app' | 'config'>, capabilities: string[], options: CallerOptions = {}): Caller =>
  setUpForAll(() => connectCaller(testApp, capabilities, options));

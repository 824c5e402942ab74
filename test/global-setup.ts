import type { TestProject } from 'vitest/node';
import { startServerRun, type TestRun } from './helpers/migrated-template.js';
import { servicesNotice } from './helpers/services.js';

declare module 'vitest' {
  export interface ProvidedContext {
    testRun: TestRun;
  }
}

/**
 * Says once what a run without Postgres or Redis skips (and refuses under REQUIRE_SERVICES=1).
 * On a real server: migrates one template database for the whole run (see
 * helpers/migrated-template.ts) and at the end drops it with every test database left behind.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  for (const line of servicesNotice()) console.warn(line);
  const serverUrl = process.env.DATABASE_URL || undefined;
  if (!serverUrl) {
    project.provide('testRun', { template: undefined, databasePrefix: 'broker_test_' });
    return undefined;
  }
  const { run, finish } = await startServerRun(serverUrl);
  project.provide('testRun', run);
  return finish;
}

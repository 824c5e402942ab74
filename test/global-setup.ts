import type { TestProject } from 'vitest/node';
import { startServerRun, type TestRun } from './helpers/migrated-template.js';

declare module 'vitest' {
  export interface ProvidedContext {
    testRun: TestRun;
  }
}

/**
 * On a real server: migrates one template database for the whole run (see
 * helpers/migrated-template.ts) and at the end drops it with every test database left behind.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const serverUrl = process.env.DATABASE_URL || undefined;
  if (!serverUrl) {
    project.provide('testRun', { template: undefined, databasePrefix: 'broker_test_' });
    return undefined;
  }
  const { run, finish } = await startServerRun(serverUrl);
  project.provide('testRun', run);
  return finish;
}

import type { TestProject } from 'vitest/node';
import { createServerTemplate } from './helpers/migrated-template.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The database on DATABASE_URL's server that test databases are copied from (absent for embedded runs). */
    migratedTemplate: string | undefined;
  }
}

/** Migrates one template database for the whole run (see helpers/migrated-template.ts), dropped at the end. */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const serverUrl = process.env.DATABASE_URL || undefined;
  if (!serverUrl) {
    project.provide('migratedTemplate', undefined);
    return undefined;
  }
  const template = await createServerTemplate(serverUrl);
  project.provide('migratedTemplate', template.name);
  return () => template.drop();
}

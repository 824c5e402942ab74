import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // One migrated template database per run; each test app's database is a copy of it.
    globalSetup: ['test/global-setup.ts'],
    // Two cores: files run in parallel, each against its own database and Redis key prefix.
    pool: 'forks',
    maxWorkers: 2,
    // Files share nothing but their worker's loaded modules (each builds its own app, database and
    // key prefix), so a worker keeps them loaded between files: importing Fastify and the broker
    // once per worker instead of once per file more than halves the suite's CPU time.
    isolate: false,
  },
});

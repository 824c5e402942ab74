import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase, DATABASE_URL, type TestDatabase } from '../helpers/app.js';
import { ensureBuild } from '../helpers/build.js';
import { missing } from '../helpers/services.js';

const run = (script: string, env: Record<string, string>) =>
  spawnSync('npm', ['run', '--silent', script], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });

describe.skipIf(missing('Postgres'))('npm scripts against DATABASE_URL', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    // The scripts run compiled code (node dist/…).
    await ensureBuild();
    database = await createTestDatabase();
  }, 240_000);
  afterAll(async () => database?.drop());

  it('`npm run migrate` applies every migration once, then reports the database up to date', async () => {
    const first = run('migrate', { DATABASE_URL: database.url as string });
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/applied: 2026-11-26T00-00-00_initial, .*_audit_partitioned/);
    const again = run('migrate', { DATABASE_URL: database.url as string });
    expect(again.stdout).toContain('database is up to date');
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const tables = await client.query<{ tablename: string }>("select tablename from pg_tables where schemaname = 'public' order by tablename");
    await client.end();
    expect(tables.rows.map((r) => r.tablename)).toEqual(
      expect.arrayContaining(['orders', 'job_tokens', 'amazon_authorizations', 'amazon_connections', 'confirmations', 'idempotency_records', 'audit_events', 'report_requests']),
    );
  });

  // Two processes, one of them creating an embedded PGlite on disk: slow on a loaded machine.
  it('`npm run migrate` names its target and fails with one clear line when it cannot reach it', () => {
    const unreachable = run('migrate', { DATABASE_URL: 'postgres://postgres:hunter2@127.0.0.1:1/nowhere' });
    expect(unreachable.status).toBe(1);
    expect(unreachable.stdout).toContain('migrating postgres://postgres:***@127.0.0.1:1/nowhere');
    const lines = unreachable.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^migrate: failed on postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/nowhere: .*ECONNREFUSED/);
    expect(unreachable.stderr + unreachable.stdout).not.toContain('hunter2');
    const dataDir = mkdtempSync(path.join(tmpdir(), 'broker-migrate-'));
    try {
      const embedded = run('migrate', { DATABASE_URL: '', BROKER_DATA_DIR: dataDir });
      expect(embedded.status, embedded.stderr).toBe(0);
      expect(embedded.stdout).toContain(`migrating the embedded database in ${dataDir} (PGlite; set DATABASE_URL to migrate Postgres)`);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);

  it('`npm run vault:rewrap` refuses a missing or invalid keyring without echoing it, and rewraps with a valid one', () => {
    const missing = run('vault:rewrap', { DATABASE_URL: database.url as string, VAULT_KEYS: '' });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('VAULT_KEYS');
    const invalid = run('vault:rewrap', { DATABASE_URL: database.url as string, VAULT_KEYS: 'k1:c2VjcmV0LWtleS1tYXRlcmlhbA==' });
    expect(invalid.status).toBe(1);
    expect(invalid.stderr).not.toContain('c2VjcmV0LWtleS1tYXRlcmlhbA');
    const ok = run('vault:rewrap', { DATABASE_URL: database.url as string, VAULT_KEYS: `k2:${randomBytes(32).toString('base64')}` });
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/vault:rewrap with key "k2": 0 re-encrypted/);
  });
});

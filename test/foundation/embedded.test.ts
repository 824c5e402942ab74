import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { callCapability, mintToken, testConfig } from '../helpers/app.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'broker-embedded-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('embedded storage (no DATABASE_URL, no REDIS_URL)', () => {
  // Two starts of PGlite on disk: ~12 s alone, over 30 s on a busy two-core machine.
  it('migrates PGlite on disk, uses the in-process store, and keeps data across restarts', async () => {
    const config = testConfig({ dataDir, databaseUrl: undefined, redisUrl: undefined });
    delete (config as { databaseUrl?: string }).databaseUrl;
    delete (config as { redisUrl?: string }).redisUrl;
    const first = await buildApp(config);
    expect(first.services.store.kind).toBe('memory');
    const ready = await first.inject({ url: '/readyz' });
    expect(ready.json()).toEqual({ ok: true, checks: { database: 'ok', store: 'ok' } });
    const { jobToken } = await mintToken({ app: first, config }, { capabilities: ['products.list'] });
    expect((await callCapability(first, jobToken, 'products.list')).json().error.code).toBe('NO_CONNECTION');
    await first.close();

    const second = await buildApp(config);
    expect((await callCapability(second, jobToken, 'products.list')).json().error.code).toBe('NO_CONNECTION');
    await second.close();
  }, 60_000);
});

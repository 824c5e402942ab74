import { afterEach, describe, expect, it, vi } from 'vitest';

// The bench-only stage switch (src/bench-ablation.ts) is read from the environment once, at start-up.
describe('bench ablation switch', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('is off unless BENCH_ABLATE names stages', async () => {
    vi.stubEnv('BENCH_ABLATE', '');
    const { ablate } = await import('../../src/bench-ablation.js');
    expect(Object.values(ablate).some(Boolean)).toBe(false);
    expect(Object.isFrozen(ablate)).toBe(true);
  });

  it('is refused under NODE_ENV=production and for unknown stages', async () => {
    vi.stubEnv('BENCH_ABLATE', 'metrics');
    vi.stubEnv('NODE_ENV', 'production');
    await expect(import('../../src/bench-ablation.js')).rejects.toThrow(/refused/);
    vi.resetModules();
    vi.stubEnv('NODE_ENV', 'test');
    vi.stubEnv('BENCH_ABLATE', 'metrics,nonsense');
    await expect(import('../../src/bench-ablation.js')).rejects.toThrow(/unknown stage/);
    vi.resetModules();
    vi.stubEnv('BENCH_ABLATE', 'metrics');
    expect((await import('../../src/bench-ablation.js')).ablate.metrics).toBe(true);
  });
});

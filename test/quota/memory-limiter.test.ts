import { describe, expect, it } from 'vitest';
import { BrokerError } from '../../src/errors.js';
import { MemoryQuotaLimiter } from '../../src/quota/memory-limiter.js';
import { elapsedSince, sellerKey } from './helpers.js';

/** A limiter on a hand-driven clock: exact arithmetic, no timing. */
function manual(rate: number, burst: number, extra: { share?: number; maxBurst?: number } = {}) {
  const clock = { now: 1_000_000 };
  const limiter = new MemoryQuotaLimiter({ maxWaitMs: 3_000, rates: () => ({ rate, burst }), now: () => clock.now, ...extra });
  return { limiter, clock };
}

describe('MemoryQuotaLimiter (GCRA in process)', () => {
  it('lets a burst through, then spaces reservations by 1/rate in arrival order', () => {
    const { limiter } = manual(20, 2);
    const key = sellerKey();
    const waits = Array.from({ length: 6 }, () => limiter.reserve(key, 10_000));
    expect(waits.map((r) => r.reserved)).toEqual([true, true, true, true, true, true]);
    expect(waits.map((r) => r.waitMs)).toEqual([0, 0, 50, 100, 150, 200]);
  });

  it('refills at the rate up to the burst, never beyond', () => {
    const { limiter, clock } = manual(2, 3);
    const key = sellerKey();
    for (let i = 0; i < 3; i += 1) expect(limiter.reserve(key, 0).reserved).toBe(true);
    expect(limiter.reserve(key, 0)).toEqual({ waitMs: 500, reserved: false });
    clock.now += 500;
    expect(limiter.reserve(key, 0).reserved).toBe(true);
    clock.now += 60_000; // a long idle: still only `burst` at once
    for (let i = 0; i < 3; i += 1) expect(limiter.reserve(key, 0).reserved).toBe(true);
    expect(limiter.reserve(key, 0).reserved).toBe(false);
  });

  it('does not reserve past maxWait and reports the real wait', () => {
    const { limiter } = manual(0.25, 1);
    const key = sellerKey();
    expect(limiter.reserve(key, 0)).toEqual({ waitMs: 0, reserved: true });
    expect(limiter.reserve(key, 1_000)).toEqual({ waitMs: 4_000, reserved: false });
    expect(limiter.reserve(key, 1_000)).toEqual({ waitMs: 4_000, reserved: false });
    expect(limiter.reserve(key, 5_000)).toEqual({ waitMs: 4_000, reserved: true });
  });

  it('acquire throws RATE_LIMIT with retry_after_s from the real wait', async () => {
    const { limiter } = manual(0.25, 1);
    const key = sellerKey('createReport');
    await limiter.acquire(key);
    const error = await limiter.acquire(key, { maxWaitMs: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BrokerError);
    expect(error).toMatchObject({
      code: 'RATE_LIMIT',
      httpStatus: 429,
      retryAfterS: 4,
      details: { operation: 'createReport' },
      message: 'Amazon quota for createReport of this seller is exhausted; retry after 4 s',
    });
  });

  it('keeps sellers, regions and operations apart', () => {
    const { limiter } = manual(1, 1);
    const a = sellerKey('getListingsItem');
    expect(limiter.reserve(a, 0).reserved).toBe(true);
    expect(limiter.reserve(a, 0).reserved).toBe(false);
    expect(limiter.reserve(sellerKey('getListingsItem'), 0).reserved).toBe(true);
    expect(limiter.reserve({ ...a, region: 'EU' }, 0).reserved).toBe(true);
    expect(limiter.reserve({ ...a, operation: 'getCatalogItem' }, 0).reserved).toBe(true);
  });

  it('observeRateLimit lowers the rate for an hour, then the model applies again; a higher rate is ignored', async () => {
    const { limiter, clock } = manual(20, 1);
    const key = sellerKey();
    await limiter.observeRateLimit(key, 50);
    await limiter.observeRateLimit(key, Number.NaN);
    limiter.reserve(key, 0);
    expect(limiter.reserve(key, 10_000).waitMs).toBe(50);
    clock.now += 10_000;
    await limiter.observeRateLimit(key, 2);
    limiter.reserve(key, 0);
    expect(limiter.reserve(key, 10_000).waitMs).toBe(500);
    clock.now += 3_600_000;
    limiter.reserve(key, 0);
    expect(limiter.reserve(key, 10_000).waitMs).toBe(50);
  });

  it('observing the model rate again clears a learned one', async () => {
    const { limiter } = manual(20, 1);
    const key = sellerKey();
    await limiter.observeRateLimit(key, 2);
    await limiter.observeRateLimit(key, 20);
    limiter.reserve(key, 0);
    expect(limiter.reserve(key, 10_000).waitMs).toBe(50);
  });

  it('penalize spends the whole burst: no token for one interval, then one per interval', async () => {
    const { limiter } = manual(2, 5);
    const key = sellerKey();
    expect(await limiter.penalize(key)).toBe(500);
    expect(limiter.reserve(key, 0)).toEqual({ waitMs: 500, reserved: false });
    expect(limiter.reserve(key, 10_000).waitMs).toBe(500);
    expect(limiter.reserve(key, 10_000).waitMs).toBe(1_000);
  });

  it('penalize after queued reservations keeps them and lands after the last', async () => {
    const { limiter } = manual(10, 1);
    const key = sellerKey();
    for (let i = 0; i < 5; i += 1) limiter.reserve(key, 10_000); // TAT is now 500 ms ahead
    expect(await limiter.penalize(key)).toBe(500);
  });

  it('share and maxBurst scale the bucket (the Redis fallback runs at rate/3, burst 1)', () => {
    const { limiter } = manual(30, 10, { share: 1 / 3, maxBurst: 1 });
    const key = sellerKey();
    expect(limiter.reserve(key, 10_000).waitMs).toBe(0);
    expect(limiter.reserve(key, 10_000).waitMs).toBe(100);
  });

  it('sleeps the reserved wait for real, in order, and an abort rejects with the signal reason', async () => {
    const limiter = new MemoryQuotaLimiter({ maxWaitMs: 3_000, rates: () => ({ rate: 20, burst: 2 }) });
    const key = sellerKey();
    const start = performance.now();
    const done: Array<{ i: number; at: number }> = [];
    await Promise.all(Array.from({ length: 6 }, (_, i) => limiter.acquire(key).then(() => done.push({ i, at: elapsedSince(start) }))));
    expect(done.map((d) => d.i)).toEqual([0, 1, 2, 3, 4, 5]);
    done.forEach((d, i) => expect(d.at).toBeGreaterThanOrEqual(Math.max(0, i - 1) * 50 - 3));
    expect(done.at(-1)!.at).toBeLessThan(2_000);

    const controller = new AbortController();
    const pending = limiter.acquire(key, { signal: controller.signal, maxWaitMs: 10_000 });
    const abortedAt = performance.now();
    controller.abort(new Error('client went away'));
    await expect(pending).rejects.toThrow('client went away');
    expect(elapsedSince(abortedAt)).toBeLessThan(100);
    await expect(limiter.acquire(key, { signal: controller.signal })).rejects.toThrow('client went away');
    await limiter.close();
  });
});

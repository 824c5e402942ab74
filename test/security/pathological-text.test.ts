import { monitorEventLoopDelay } from 'node:perf_hooks';
import { beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX } from '../../src/capabilities/examples.js';
import { connectCaller, useBroker } from '../helpers/harness.js';
import { adversarialTexts } from '../helpers/adversarial-texts.js';
import { missing } from '../helpers/services.js';

/**
 * One request must not freeze the broker. Texts built to make backtracking patterns re-read the rest
 * of the text from every position, from a few KB up to the 16 MiB body limit, go through every
 * capability that has text, over real HTTP, while another client asks /healthz on the same
 * instance: each answer comes within a bound, and /healthz answers (and the event loop is never held)
 * under 250 ms throughout; bodies near 16 MiB within the cost of parsing such a body plus 100 ms.
 * (A 40 KB description of "a." held every request of the process for 2.4–4.7 s.)
 * SHOW_TIMINGS=1 prints each call's figures.
 */

const BODY_LIMIT = 16 * 1024 * 1024;
const HEALTHZ_BOUND_MS = 250;

/** Pathological texts of about `n` characters. */
const SHAPES = adversarialTexts('a.', 'a@', '1-', 'www.', 'letters then !', 'a.co', '<a ');

const broker = useBroker({ simulator: { rateLimits: false }, config: { bodyLimitBytes: BODY_LIMIT } }, 60_000);
let base: string;
let jobToken: string;

beforeAll(async () => {
  ({ jobToken } = await connectCaller(broker, ['listings.update', 'listings.a_plus_generate', 'listings.upload_feed', 'catalog.search']));
  base = await broker.app.listen({ port: 0, host: '127.0.0.1' });
}, 60_000);

interface Measured {
  status: number;
  body: { ok: boolean; error?: { code: string; message: string; details?: { field?: string; rule?: string } } };
  ms: number;
  /** The slowest /healthz answer while the call was in flight. */
  healthzMs: number;
  /** The longest the event loop was held while the call was in flight: what any other request waited. */
  stallMs: number;
}

/**
 * Sends one capability call and, until it is answered, asks /healthz every 10 ms without waiting
 * for the previous answer, while the event loop's delay is recorded: the client runs in the same
 * process, so the loop's longest stall is what a request arriving at the worst moment would wait.
 */
async function callWhileProbing(capability: string, params: unknown): Promise<Measured> {
  // Encoded before the clock starts: the client's own work is not the broker's.
  const payload = Buffer.from(JSON.stringify({ capability, provider: 'amazon', params }));
  expect(payload.length).toBeLessThan(BODY_LIMIT);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  const probes: Promise<number>[] = [];
  const probe = () => {
    const asked = performance.now();
    probes.push(fetch(`${base}/healthz`).then(async (health) => {
      await health.arrayBuffer();
      return performance.now() - asked;
    }));
  };
  loop.enable();
  const started = performance.now();
  const timer = setInterval(probe, 10);
  probe();
  try {
    const response = await fetch(`${base}/api/capabilities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${jobToken}`, 'content-type': 'application/json' },
      body: payload,
    });
    const body = (await response.json()) as Measured['body'];
    const ms = performance.now() - started;
    return { status: response.status, body, ms, healthzMs: Math.max(...(await Promise.all(probes))), stallMs: loop.max / 1e6 };
  } finally {
    clearInterval(timer);
    loop.disable();
  }
}

/**
 * Reading a body near 16 MiB costs the loop a floor of its own (UTF-8 decoding and JSON.parse, about
 * 100 ms on an idle machine, plus the garbage it leaves), whatever the capability. Calls that big are
 * held to that floor, measured with a call refused by its params schema at once, plus 100 ms: what the
 * broker's own checks may add; every smaller call to the 250 ms bound itself.
 */
let bodyFloorMs: number | undefined;
async function bodyLimitFloor(): Promise<number> {
  if (bodyFloorMs === undefined) {
    bodyFloorMs = 0;
    for (let i = 0; i < 2; i += 1) {
      const floor = await callWhileProbing('catalog.search', { keywords: 'x'.repeat(BODY_LIMIT - 4_096) });
      expect(floor.body.error?.code).toBe('INVALID_REQUEST');
      bodyFloorMs = Math.max(bodyFloorMs, floor.stallMs, floor.healthzMs);
    }
    if (process.env.SHOW_TIMINGS) console.log(`16 MiB body floor: ${bodyFloorMs.toFixed(0)} ms`);
  }
  return bodyFloorMs;
}

async function expectResponsiveAtBodyLimit(result: Measured, boundMs: number, label: string) {
  const floor = await bodyLimitFloor();
  expectResponsive(result, boundMs, label, Math.max(HEALTHZ_BOUND_MS, floor + 100));
}

/** Asserts the call was answered in time, with no 500, and /healthz stayed responsive. */
function expectResponsive(result: Measured, boundMs: number, label: string, loopBoundMs = HEALTHZ_BOUND_MS) {
  const line = `${label}: ${result.status} ${result.body.error?.details?.rule ?? result.body.error?.code ?? 'ok'} in ${result.ms.toFixed(0)} ms; /healthz at worst ${result.healthzMs.toFixed(0)} ms, longest stall ${result.stallMs.toFixed(0)} ms`;
  if (process.env.SHOW_TIMINGS) console.log(line);
  expect(result.status, line).toBeLessThan(500);
  expect(result.ms, line).toBeLessThan(boundMs);
  expect(result.healthzMs, line).toBeLessThan(loopBoundMs);
  expect(result.stallMs, line).toBeLessThan(loopBoundMs);
}

const patch = (path: string, values: Record<string, unknown>[]) => ({ op: 'replace', path, value: values });
const update = (...patches: unknown[]) => ({ sku: SANDBOX.sku, product_type: SANDBOX.productType, patches });
const aplus = (modules: unknown[]) => ({ content_document: { name: 'Mug story', content_type: 'EBC', locale: 'en-US', content_module_list: modules } });
const textModule = (...values: string[]) => ({ contentModuleType: 'STANDARD_TEXT', standardText: { body: { textList: values.map((value) => ({ value })) } } });
const feed = (messages: unknown[]) => ({ feed_type: 'JSON_LISTINGS_FEED', content: { header: { version: '2.0' }, messages } });
const feedPatch = (i: number, ...patches: unknown[]) => ({ messageId: i + 1, sku: `SKU-${i}`, operationType: 'PATCH', productType: SANDBOX.productType, patches });
const bulletsMessage = (i: number) => feedPatch(i, patch('/attributes/bullet_point', Array.from({ length: 10 }, () => ({ value: SHAPES['a@']!(600) }))));

describe('pathological text while /healthz is asked', () => {
  it('listings.update: texts at and over the attribute limits', async () => {
    for (const [shape, make] of Object.entries(SHAPES)) {
      // The reported case: a 40 KB description, refused by its length before any pattern.
      const description = await callWhileProbing('listings.update', update(patch('/attributes/product_description', [{ value: make(40_000) }])));
      expectResponsive(description, 2_000, `40 KB description of ${shape}`);
      expect(description.body.error?.details?.rule).toBe('TEXT_TOO_LONG');
      const title = await callWhileProbing('listings.update', update(patch('/attributes/item_name', [{ value: make(40_000) }])));
      expectResponsive(title, 2_000, `40 KB title of ${shape}`);
      expect(title.body.error?.details?.rule).toBe('TITLE_TOO_LONG');
      // At the limits every rule reads the whole text: 10 bullets of 600, a description of 10,000.
      const full = await callWhileProbing(
        'listings.update',
        update(patch('/attributes/bullet_point', Array.from({ length: 10 }, () => ({ value: make(600) }))), patch('/attributes/product_description', [{ value: make(10_000) }])),
      );
      expectResponsive(full, 5_000, `texts at their limits of ${shape}`);
    }
  }, 180_000);

  it('listings.update: up to the body limit', async () => {
    const huge = await callWhileProbing('listings.update', update(patch('/attributes/product_description', [{ value: SHAPES['a.']!(BODY_LIMIT - 4_096) }])));
    await expectResponsiveAtBodyLimit(huge, 10_000, '16 MiB description');
    expect(huge.body.error?.details?.rule).toBe('TEXT_TOO_LONG');
    const freeForm = await callWhileProbing('listings.update', update(patch('/attributes/material', [{ value: SHAPES['a@']!(BODY_LIMIT - 4_096) }])));
    await expectResponsiveAtBodyLimit(freeForm, 10_000, '16 MiB string in a free-form attribute');
    expect(freeForm.body.error?.details?.rule).toBe('VALUE_TOO_LONG');
    // Within every per-text limit, 16 MiB of bullets: refused by the size of the write.
    const bullets = Array.from({ length: 100 }, () => ({ value: SHAPES['1-']!(600) }));
    const many = await callWhileProbing('listings.update', update(...Array.from({ length: 50 }, () => patch('/attributes/bullet_point', bullets))));
    expectResponsive(many, 10_000, '50 patches of 100 bullets');
    expect(many.body.error?.details?.rule).toBe('LISTING_WRITE_TOO_LARGE');
  }, 120_000);

  it('listings.a_plus_generate: texts at the model limit, and up to the body limit', async () => {
    for (const [shape, make] of Object.entries(SHAPES)) {
      const full = await callWhileProbing('listings.a_plus_generate', aplus([textModule(make(10_000), make(10_000))]));
      expectResponsive(full, 5_000, `A+ texts of 10,000 of ${shape}`);
    }
    const huge = await callWhileProbing('listings.a_plus_generate', aplus([textModule(SHAPES['www.']!(BODY_LIMIT - 4_096))]));
    await expectResponsiveAtBodyLimit(huge, 10_000, '16 MiB A+ text');
    expect(huge.body.error?.details?.rule).toBe('APLUS_DOCUMENT_TOO_LARGE');
    const over = await callWhileProbing('listings.a_plus_generate', aplus([textModule(SHAPES['a@']!(20_000))]));
    expectResponsive(over, 2_000, '20,000-character A+ text');
    expect(over.body.error?.details?.rule).toBe('APLUS_STRUCTURE');
    // Every text within the model's 10,000: refused by the size of the document.
    const texts = Array.from({ length: 100 }, () => SHAPES['a.']!(1_500));
    const many = await callWhileProbing('listings.a_plus_generate', aplus(Array.from({ length: 100 }, () => textModule(...texts))));
    expectResponsive(many, 10_000, '100 modules of 100 texts');
    expect(many.body.error?.details?.rule).toBe('APLUS_DOCUMENT_TOO_LARGE');
  }, 180_000);

  it('listings.upload_feed: texts in messages, and up to the body limit', async () => {
    for (const [shape, make] of Object.entries(SHAPES)) {
      const one = await callWhileProbing('listings.upload_feed', feed([feedPatch(0, patch('/attributes/product_description', [{ value: make(40_000) }]))]));
      expectResponsive(one, 2_000, `feed message with a 40 KB description of ${shape}`);
      expect(one.body.error?.details?.rule).toBe('TEXT_TOO_LONG');
    }
    // Many messages, each within every limit: every text is read.
    const many = await callWhileProbing('listings.upload_feed', feed(Array.from({ length: 150 }, (_, i) => bulletsMessage(i))));
    expectResponsive(many, 10_000, '150 feed messages of 10 bullets');
    const huge = await callWhileProbing('listings.upload_feed', { feed_type: 'JSON_LISTINGS_FEED', content: SHAPES['a.']!(BODY_LIMIT - 4_096) });
    await expectResponsiveAtBodyLimit(huge, 10_000, '16 MiB feed content string');
  }, 180_000);

  // A feed of messages each within every limit is checked in turns of ~10 ms (in one synchronous
  // pass, 1,500 such messages held the loop for about 450 ms). What remains is a big body's own
  // cost — parsing 9 MB, encoding the feed, storing the staged write — so it is held to the
  // body-limit floor like the 16 MiB calls. Storing it needs a Postgres of its own: embedded PGlite
  // (sandbox and tests only) runs the database on the broker's thread, and writing a 9 MB staged
  // write into it held the loop ~800 ms.
  it.skipIf(missing('Postgres'))('listings.upload_feed: a 9 MB feed of messages within every limit', async () => {
    const many = await callWhileProbing('listings.upload_feed', feed(Array.from({ length: 1_500 }, (_, i) => bulletsMessage(i))));
    await expectResponsiveAtBodyLimit(many, 10_000, '1,500 feed messages of 10 bullets');
  }, 60_000);

  it('catalog.search: keywords up to the body limit', async () => {
    for (const [shape, make] of Object.entries(SHAPES)) {
      const result = await callWhileProbing('catalog.search', { keywords: make(BODY_LIMIT / 8) });
      expectResponsive(result, 5_000, `2 MiB keywords of ${shape}`);
      expect(result.body.error?.code).toBe('INVALID_REQUEST');
    }
  }, 120_000);
});

import { createHash } from 'node:crypto';
/** Shared helpers of the simulator tests. */
import { gunzipSync } from 'node:zlib';
import { SEED, startSimulator, type RunningSimulator, type SimulatorOptions } from '../../src/simulator/index.js';
import { useSimulator } from '../helpers/harness.js';
import type { SimAnswer as Answer } from '../helpers/simulator-client.js';

export { SEED };

/** Amazon's vendored models (vendor/amazon-sp-api-models): a missing file fails the test. */
export { readAmazonModel as readModel } from '../helpers/amazon-models.js';

export const FAST: SimulatorOptions = { reportTimings: { inQueueMs: 20, inProgressMs: 30 } };

export async function start(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  return startSimulator({ ...FAST, ...options });
}

export async function lwa(sim: RunningSimulator, form: Record<string, string>, asJson = false): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(sim.lwaTokenUrl, {
    method: 'POST',
    headers: { 'content-type': asJson ? 'application/json' : 'application/x-www-form-urlencoded;charset=UTF-8' },
    body: asJson ? JSON.stringify(form) : new URLSearchParams(form).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export { accessToken, call, simulatorClient as client, type SimAnswer as Answer } from '../helpers/simulator-client.js';

/** A simulator with quick reports for the enclosing describe (see test/helpers/harness.ts). */
export const useFastSimulator = (options: SimulatorOptions = {}): RunningSimulator => useSimulator({ ...FAST, ...options });

export async function download(url: string): Promise<{ status: number; bytes: Buffer; text: string; headers: Headers }> {
  const res = await fetch(url);
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, bytes, text: bytes.toString('utf8'), headers: res.headers };
}

export const gunzipJson = (bytes: Buffer): any => JSON.parse(gunzipSync(bytes).toString('utf8'));

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls getReport/getFeed until a terminal status. */
export async function waitTerminal(get: () => Promise<Answer>, timeoutMs = 5000): Promise<Answer> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const a = await get();
    if (['DONE', 'CANCELLED', 'FATAL'].includes(a.body?.processingStatus) || Date.now() > until) return a;
    await sleep(15);
  }
}

export function isoDay(offsetDays: number, from = Date.now()): string {
  return new Date(from + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

/** The most recent complete Sunday–Saturday week. */
export function lastFullWeek(now = Date.now()): { start: string; end: string } {
  const today = new Date(now);
  const dow = today.getUTCDay();
  const lastSaturday = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) - (dow + 1) * 86_400_000;
  return { start: new Date(lastSaturday - 6 * 86_400_000).toISOString().slice(0, 10), end: new Date(lastSaturday).toISOString().slice(0, 10) };
}

export function lastFullMonth(now = Date.now()): { start: string; end: string } {
  const d = new Date(now);
  const first = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1);
  const last = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) - 86_400_000;
  return { start: new Date(first).toISOString().slice(0, 10), end: new Date(last).toISOString().slice(0, 10) };
}

/** A valid A+ content document (two modules); its image id must come from `uploadAplusImage`. */
export const contentDocumentWith = (uploadDestinationId: string) => ({
  name: 'Northwind mug story',
  contentType: 'EBC',
  locale: 'en-US',
  contentModuleList: [
    { contentModuleType: 'STANDARD_TEXT', standardText: { headline: { value: 'Made to last' }, body: { textList: [{ value: 'Stoneware, dishwasher safe.' }] } } },
    {
      contentModuleType: 'STANDARD_SINGLE_SIDE_IMAGE',
      standardSingleSideImage: {
        imagePositionType: 'LEFT',
        block: {
          image: { uploadDestinationId, imageCropSpecification: { size: { width: { value: 300, units: 'pixels' }, height: { value: 300, units: 'pixels' } } }, altText: 'A blue mug' },
          body: { textList: [{ value: 'Holds 12 oz.' }] },
        },
      },
    },
  ],
});

/** The Uploads API flow for one A+ image: createUploadDestinationForResource, then the multipart POST. */
export async function uploadAplusImage(c: { post(path: string, body?: unknown): Promise<{ status: number; body: any }> }, bytes: Buffer, contentType = 'image/png'): Promise<string> {
  const md5 = createHash('md5').update(bytes).digest('base64');
  const dest = await c.post(`/uploads/2020-11-01/uploadDestinations/aplus/2020-11-01/contentDocuments?marketplaceIds=ATVPDKIKX0DER&contentMD5=${encodeURIComponent(md5)}&contentType=${encodeURIComponent(contentType)}`);
  if (dest.status !== 201) throw new Error(`createUploadDestinationForResource answered ${dest.status}`);
  const url = new URL(dest.body.payload.url);
  const form = new FormData();
  for (const [name, value] of url.searchParams) form.append(name, value);
  form.append('file', new Blob([bytes], { type: contentType }));
  const posted = await fetch(`${url.origin}${url.pathname}`, { method: 'POST', body: form });
  if (posted.status !== 204) throw new Error(`upload answered ${posted.status}: ${await posted.text()}`);
  return dest.body.payload.uploadDestinationId as string;
}

import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Agent, request, type Dispatcher } from 'undici';
import { BrokerError } from '../errors.js';
import { checkImageUrl, isNonPublicIp } from './image-url-rules.js';
import type { Violation } from './violations.js';

/**
 * Fetches an A+ image the agent named by `image_url`, so the broker can upload it through Amazon's
 * Uploads API. Unlike listing image URLs (Amazon fetches those itself), here the broker downloads,
 * so the image URL rules are enforced on every hop, and on the addresses actually connected to:
 * - the URL rules of image-url-rules.ts (https, port 443, no credentials, no private IP literal, no
 *   local name, an image extension);
 * - every name resolves to public addresses only, checked in the connection's own DNS lookup, so
 *   a name cannot resolve to a public address for a check and a private one for the connection;
 * - at most 3 redirects, each one checked like the first (a redirect to a private range fails);
 * - at most 3 MiB (the `content-length-range` of Amazon's example upload policy), and a JPEG, PNG or
 *   TIFF by its first bytes (A+ takes those: A+ Content API use-case guide).
 */
export const MAX_APLUS_IMAGE_BYTES = 3 * 1024 * 1024;
const MAX_REDIRECTS = 3;

/**
 * Test-only: origins (e.g. `http://127.0.0.1:PORT`) whose images are fetched without the https and
 * public-address rules. Set only through buildApp's overrides, never through configuration, so a
 * deployment cannot switch the rules off.
 */
export interface ImageSourceOverrides {
  trustedTestOrigins?: readonly string[];
}

export interface FetchedImage {
  bytes: Buffer;
  contentType: 'image/jpeg' | 'image/png' | 'image/tiff';
}

/** A connection's DNS lookup that refuses any non-public address. */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    const blocked = addresses.find((a) => isNonPublicIp(a.address));
    if (blocked || addresses.length === 0) {
      const refusal = Object.assign(new Error(`${hostname} resolves to a non-public address${blocked ? ` (${blocked.address})` : ''}`), { code: 'EPRIVATEADDRESS' });
      return callback(refusal, '', 0);
    }
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    const [first] = addresses as [LookupAddress];
    return callback(null, first.address, first.family);
  });
};

function sniff(bytes: Buffer): FetchedImage['contentType'] | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  const head = bytes.subarray(0, 4).toString('hex');
  if (head === '49492a00' || head === '4d4d002a') return 'image/tiff';
  return undefined;
}

const refuse = (field: string, message: string, rule: string) => new BrokerError('INVALID_REQUEST', `${field} ${message} [rule ${rule}]`, { details: { field, rule } });

export class ImageFetcher {
  readonly #agent: Agent;
  readonly #trusted: ReadonlySet<string>;

  constructor(
    private readonly timeoutMs: number,
    overrides: ImageSourceOverrides = {},
  ) {
    this.#agent = new Agent({ connect: { lookup: publicOnlyLookup }, connections: 8 });
    this.#trusted = new Set(overrides.trustedTestOrigins ?? []);
  }

  #trustedOrigin(raw: string): boolean {
    try {
      return this.#trusted.has(new URL(raw).origin);
    } catch {
      return false;
    }
  }

  /** The URL rules alone (no request): what staging checks. */
  check(raw: string, field: string): Violation[] {
    return this.#trustedOrigin(raw) ? [] : checkImageUrl(raw, field);
  }

  async fetch(raw: string, field: string): Promise<FetchedImage> {
    let url = raw;
    for (let hop = 0; ; hop += 1) {
      const broken = this.check(url, field)[0];
      if (broken) throw refuse(field, `${hop > 0 ? `redirects to ${url}, which ` : ''}${broken.message}`, broken.code);
      let response: Dispatcher.ResponseData;
      try {
        response = await request(url, { method: 'GET', dispatcher: this.#agent, headersTimeout: this.timeoutMs, bodyTimeout: this.timeoutMs, headers: { accept: 'image/jpeg, image/png, image/tiff' } });
      } catch (error) {
        const reason = (error as { code?: string }).code === 'EPRIVATEADDRESS' ? (error as Error).message : `could not be fetched (${(error as Error).message})`;
        throw refuse(field, reason, 'IMAGE_FETCH');
      }
      const { statusCode, headers } = response;
      if (statusCode >= 300 && statusCode < 400 && typeof headers.location === 'string') {
        await response.body.dump().catch(() => {});
        if (hop >= MAX_REDIRECTS) throw refuse(field, `redirects more than ${MAX_REDIRECTS} times`, 'IMAGE_FETCH');
        url = new URL(headers.location, url).toString();
        continue;
      }
      if (statusCode !== 200) {
        await response.body.dump().catch(() => {});
        throw refuse(field, `could not be fetched (HTTP ${statusCode})`, 'IMAGE_FETCH');
      }
      const bytes = await readCapped(response.body, field);
      const contentType = sniff(bytes);
      if (!contentType) throw refuse(field, 'is not a JPEG, PNG or TIFF image (A+ takes only those)', 'IMAGE_FORMAT');
      return { bytes, contentType };
    }
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }
}

async function readCapped(body: Dispatcher.ResponseData['body'], field: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > MAX_APLUS_IMAGE_BYTES) {
      body.destroy();
      throw refuse(field, `is larger than ${MAX_APLUS_IMAGE_BYTES} bytes (3 MiB), the most an A+ image upload takes`, 'IMAGE_TOO_LARGE');
    }
    chunks.push(chunk as Buffer);
  }
  if (size === 0) throw refuse(field, 'is empty', 'IMAGE_FORMAT');
  return Buffer.concat(chunks);
}

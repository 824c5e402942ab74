import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import { Agent, request, type Dispatcher } from 'undici';
import { IMAGE_FETCH_DEFAULTS } from '../config.js';
import { BrokerError, isBrokerError } from '../errors.js';
import { checkImageUrl, isNonPublicIp } from './image-url-rules.js';
import type { Violation } from './violations.js';

/**
 * Fetches an A+ image the agent named by `image_url`, so the broker can upload it through Amazon's
 * Uploads API. Unlike listing image URLs (Amazon fetches those itself), here the broker downloads,
 * so the image URL rules are enforced on every hop, and on the addresses actually connected to:
 * - the URL rules of image-url-rules.ts (https, port 443, no credentials, no private IP literal, no
 *   local name, an image extension);
 * - every name resolves to public addresses only (the same classifier, `isNonPublicIp`), checked in
 *   the connection's own DNS lookup, so a name cannot resolve to a public address for a check and a
 *   private one for the connection;
 * - at most 3 redirects, each one checked like the first (a redirect to a private range fails);
 * - at most 3 MiB (the `content-length-range` of Amazon's example upload policy), and a JPEG, PNG or
 *   TIFF by its first bytes (A+ takes those: A+ Content API use-case guide);
 * - deadlines: one image (DNS, connect, every redirect, headers and the whole body) within
 *   `perImageMs`, and all the images of one apply within `perApplyMs` of download time together, so
 *   a host dripping a byte at a time cannot hold an apply past its lease.
 * What the agent reads names the field and what it can act on; resolver errors, errno codes and
 * resolved addresses go to the server log only.
 */
export const MAX_APLUS_IMAGE_BYTES = 3 * 1024 * 1024;
const MAX_REDIRECTS = 3;

export interface ImageFetchLimits {
  perImageMs: number;
  perApplyMs: number;
}

/** A DNS lookup answering every address of a name (the system resolver unless a test gives one). */
export type Resolve = (hostname: string, options: LookupOptions, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

/**
 * Test-only: origins (e.g. `http://127.0.0.1:PORT`) whose images are fetched without the https and
 * public-address rules, and the DNS answers of the connections. Set only through buildApp's
 * overrides, never through configuration, so a deployment cannot switch the rules off.
 */
export interface ImageSourceOverrides {
  trustedTestOrigins?: readonly string[];
  resolve?: Resolve;
}

export interface FetchedImage {
  bytes: Buffer;
  contentType: 'image/jpeg' | 'image/png' | 'image/tiff';
}

const systemResolve: Resolve = (hostname, options, callback) => dnsLookup(hostname, { ...options, all: true }, callback);

/** A connection's DNS lookup that refuses any non-public address (the refusal's text stays server-side). */
export function publicOnly(resolve: Resolve): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, options, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const blocked = addresses.find((a) => isNonPublicIp(a.address));
      if (blocked || addresses.length === 0) {
        const refusal = Object.assign(new Error(`${hostname} resolves to a non-public address${blocked ? ` (${blocked.address})` : ''}`), { code: 'EPRIVATEADDRESS' });
        return callback(refusal, '', 0);
      }
      if (options.all) return callback(null, addresses);
      const [first] = addresses as [LookupAddress];
      return callback(null, first.address, first.family);
    });
  };
}
export const publicOnlyLookup = publicOnly(systemResolve);

function sniff(bytes: Buffer): FetchedImage['contentType'] | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  const head = bytes.subarray(0, 4).toString('hex');
  if (head === '49492a00' || head === '4d4d002a') return 'image/tiff';
  return undefined;
}

const refuse = (field: string, message: string, rule: string) => new BrokerError('INVALID_REQUEST', `${field} ${message} [rule ${rule}]`, { details: { field, rule } });
const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** The first string `code` along an error's cause chain (undici wraps socket errors). */
function errorCode(error: unknown): string | undefined {
  let current = error;
  for (let depth = 0; current && depth < 4; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

const NAME_NOT_FOUND = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME', 'ENODATA', 'ESERVFAIL', 'ENONAME']);
const UNREACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'ETIMEDOUT', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT']);

/** What the agent is told about a failed download: what it can act on, never the resolver's or socket's words. */
function agentFacing(code: string | undefined, field: string): BrokerError {
  if (code === 'EPRIVATEADDRESS') return refuse(field, 'must be on a public host: the image host name resolves to a private, loopback, link-local or reserved address', 'IMAGE_URL_PRIVATE_HOST');
  if (code && NAME_NOT_FOUND.has(code)) return refuse(field, 'could not be fetched: the image host was not found (check the host name)', 'IMAGE_FETCH');
  if (code && UNREACHABLE.has(code)) return refuse(field, 'could not be fetched: the image host could not be reached', 'IMAGE_FETCH');
  if (code && /CERT|TLS|SSL/.test(code)) return refuse(field, "could not be fetched: the image host's HTTPS certificate could not be verified", 'IMAGE_FETCH');
  return refuse(field, 'could not be fetched: the image host did not send a complete answer', 'IMAGE_FETCH');
}

class DeadlineExceeded extends Error {}

/**
 * The downloads of one apply: each image within the per-image deadline, and all of them within the
 * per-apply one (download time only; the Amazon calls in between have their own timeouts).
 */
export class ImageDownloads {
  #spentMs = 0;

  constructor(
    private readonly fetcher: ImageFetcher,
    private readonly limits: ImageFetchLimits,
    private readonly log?: FastifyBaseLogger,
  ) {}

  async fetch(url: string, field: string): Promise<FetchedImage> {
    const leftMs = this.limits.perApplyMs - this.#spentMs;
    const byApply = leftMs < this.limits.perImageMs;
    const tooSlow = () =>
      byApply
        ? refuse(field, `could not be downloaded in time: the images of one A+ document get ${seconds(this.limits.perApplyMs)} to download together, and that time ran out; use fewer or smaller images, or a faster image host`, 'IMAGE_FETCH_BUDGET')
        : refuse(field, `could not be downloaded within ${seconds(this.limits.perImageMs)}, the limit for one image; use a smaller image or a faster image host`, 'IMAGE_FETCH_TIMEOUT');
    if (leftMs <= 0) throw tooSlow();
    const started = performance.now();
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new DeadlineExceeded()), Math.min(leftMs, this.limits.perImageMs));
    });
    const work = this.fetcher.download(url, field, controller.signal);
    // Once the deadline answered, the abandoned download's own failure (the abort) is expected.
    work.catch(() => {});
    try {
      return await Promise.race([work, expired]);
    } catch (error) {
      if (isBrokerError(error)) throw error;
      const host = hostOf(url);
      if (error instanceof DeadlineExceeded) {
        this.log?.warn({ field, host, limit_ms: Math.min(leftMs, this.limits.perImageMs), by: byApply ? 'apply' : 'image' }, 'A+ image download cut at its deadline');
        throw tooSlow();
      }
      const code = errorCode(error);
      this.log?.warn({ field, host, err: { code, message: (error as Error).message } }, 'A+ image download failed');
      throw agentFacing(code, field);
    } finally {
      clearTimeout(timer);
      // Stops a download that is still connecting, resolving or reading (a no-op once it finished).
      controller.abort();
      this.#spentMs += performance.now() - started;
    }
  }
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

export class ImageFetcher {
  readonly #agent: Agent;
  readonly #trusted: ReadonlySet<string>;

  constructor(
    readonly limits: ImageFetchLimits = IMAGE_FETCH_DEFAULTS,
    overrides: ImageSourceOverrides = {},
  ) {
    // The connect timeout bounds a connection (and its DNS lookup) left behind by an abandoned download.
    this.#agent = new Agent({ connect: { lookup: publicOnly(overrides.resolve ?? systemResolve), timeout: limits.perImageMs }, connections: 8 });
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

  /** A new apply's downloads, sharing one per-apply deadline. */
  downloads(log?: FastifyBaseLogger): ImageDownloads {
    return new ImageDownloads(this, this.limits, log);
  }

  /** One image on its own (within both deadlines). */
  fetch(raw: string, field: string, log?: FastifyBaseLogger): Promise<FetchedImage> {
    return this.downloads(log).fetch(raw, field);
  }

  /**
   * The download itself, without deadlines (ImageDownloads adds them). Its errors are BrokerErrors
   * for broken rules, and raw network errors that ImageDownloads turns into agent-facing ones.
   */
  async download(raw: string, field: string, signal: AbortSignal): Promise<FetchedImage> {
    let url = raw;
    for (let hop = 0; ; hop += 1) {
      const broken = this.check(url, field)[0];
      if (broken) throw refuse(field, `${hop > 0 ? `redirects to ${url}, which ` : ''}${broken.message}`, broken.code);
      const response = await request(url, {
        method: 'GET',
        dispatcher: this.#agent,
        signal,
        headersTimeout: this.limits.perImageMs,
        bodyTimeout: this.limits.perImageMs,
        headers: { accept: 'image/jpeg, image/png, image/tiff' },
      });
      const { statusCode, headers } = response;
      if (statusCode >= 300 && statusCode < 400 && typeof headers.location === 'string') {
        await response.body.dump().catch(() => {});
        if (hop >= MAX_REDIRECTS) throw refuse(field, `redirects more than ${MAX_REDIRECTS} times`, 'IMAGE_FETCH');
        url = new URL(headers.location, url).toString();
        continue;
      }
      if (statusCode !== 200) {
        await response.body.dump().catch(() => {});
        throw refuse(field, `could not be fetched (the image host answered HTTP ${statusCode})`, 'IMAGE_FETCH');
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

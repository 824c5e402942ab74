import { createHash, createHmac } from 'node:crypto';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { AWS_REGION, type Region } from '../marketplaces/marketplaces.js';

/**
 * AWS SigV4 for SP-API (service `execute-api`, the region's AWS region). Amazon has ignored the
 * signature since 2023-10-02 (docs/amazon.md#request-signing), but SellerShorts promises signed
 * calls whenever AWS credentials are configured, so every request is signed then.
 */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

/** SHA-256 / HMAC-SHA256 from node:crypto in the shape @smithy/signature-v4 expects. */
type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: SourceData) =>
  typeof data === 'string'
    ? Buffer.from(data, 'utf8')
    : ArrayBuffer.isView(data)
      ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
      : Buffer.from(data);

class Sha256 {
  readonly #hash;
  constructor(secret?: SourceData) {
    this.#hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.#hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }
}

export interface SignableRequest {
  method: string;
  /** Origin and query; its pathname is used when `path` is not given. */
  url: URL;
  /** The encoded path as sent (kept out of the URL parser, which drops "." and ".." segments). */
  path?: string;
  headers: Record<string, string>;
  body?: string | undefined;
}

export class RequestSigner {
  readonly #signers: Record<Region, SignatureV4>;

  constructor(credentials: AwsCredentials) {
    const make = (region: Region) =>
      new SignatureV4({
        service: 'execute-api',
        region: AWS_REGION[region],
        credentials: {
          accessKeyId: credentials.accessKeyId,
          secretAccessKey: credentials.secretAccessKey,
          ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
        },
        sha256: Sha256,
      });
    this.#signers = { NA: make('NA'), EU: make('EU'), FE: make('FE') };
  }

  /** Returns the headers to send: the given ones plus authorization, x-amz-date, x-amz-content-sha256 (and the session token). */
  async sign(region: Region, request: SignableRequest, signingDate = new Date()): Promise<Record<string, string>> {
    const query: Record<string, string> = {};
    for (const [key, value] of request.url.searchParams) query[key] = value;
    const signed = await this.#signers[region].sign(
      new HttpRequest({
        method: request.method,
        protocol: request.url.protocol,
        hostname: request.url.hostname,
        ...(request.url.port ? { port: Number(request.url.port) } : {}),
        path: request.path ?? request.url.pathname,
        query,
        headers: { ...request.headers, host: request.url.host },
        ...(request.body !== undefined ? { body: request.body } : {}),
      }),
      { signingDate },
    );
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(signed.headers)) if (name.toLowerCase() !== 'host') headers[name.toLowerCase()] = value;
    return headers;
  }
}

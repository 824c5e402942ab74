import { FormData, request } from 'undici';
import type { Config } from '../config.js';
import { BrokerError } from '../errors.js';
import { REGIONS } from '../marketplaces/marketplaces.js';
import { USER_AGENT, networkReason } from './http.js';

/**
 * The upload to a destination createUploadDestinationForResource issued (Uploads API 2020-11-01):
 * an HTTP POST multipart/form-data to the URL's base, each URL query parameter (key, policy,
 * x-amz-*, Content-Type…) as a form field, then the file — Amazon's UploadImageForResourceRecipe
 * (docs/amazon.md#uploads). The URL is pre-signed, so nothing of ours is sent: no access token, no
 * SigV4.
 * Only https (or a configured SP-API endpoint origin, as the simulator is), no credentials in it.
 * Never retried: the caller decides.
 */
export async function postToUploadDestination(
  config: Pick<Config, 'spapiEndpoints' | 'spapiTimeoutMs'>,
  raw: string,
  headers: Record<string, string>,
  file: { bytes: Buffer; contentType: string },
): Promise<void> {
  const url = checkDestinationUrl(config, raw);
  const form = new FormData();
  for (const [name, value] of url.searchParams) form.append(name, value);
  form.append('file', new Blob([file.bytes], { type: file.contentType }), 'image');
  let status: number;
  let text: string;
  try {
    const response = await request(`${url.origin}${url.pathname}`, {
      method: 'POST',
      headers: { ...headers, 'user-agent': USER_AGENT },
      body: form,
      headersTimeout: config.spapiTimeoutMs,
      bodyTimeout: config.spapiTimeoutMs,
    });
    status = response.statusCode;
    text = await response.body.text().catch(() => '');
  } catch (error) {
    throw new BrokerError('SP_API_ERROR', `the image upload to Amazon failed (${networkReason(error)})`, { details: { status: 0, errors: [] } });
  }
  if (status < 200 || status >= 300) {
    throw new BrokerError('SP_API_ERROR', `the image upload to Amazon answered HTTP ${status}`, { details: { status, errors: [], ...(text ? { body: text.slice(0, 500) } : {}) } });
  }
}

function checkDestinationUrl(config: Pick<Config, 'spapiEndpoints'>, raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new BrokerError('SP_API_ERROR', 'Amazon returned an upload destination URL that is not a valid URL', { details: { status: 0, errors: [] } });
  }
  const endpoints = new Set(REGIONS.map((region) => new URL(config.spapiEndpoints[region]).origin));
  if ((url.protocol !== 'https:' && !endpoints.has(url.origin)) || url.username || url.password) {
    throw new BrokerError('SP_API_ERROR', 'refusing an upload destination URL that is not https (nor a configured SP-API endpoint) or carries credentials', { details: { status: 0, errors: [] } });
  }
  return url;
}

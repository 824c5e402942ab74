import { Agent, request } from 'undici';
import type { Config } from '../config.js';

/**
 * Login with Amazon token endpoint (docs/amazon.md#lwa-and-authorization): both grants the broker
 * uses, form-urlencoded, one host for all regions. LWA errors come in the OAuth shape
 * `{error, error_description}`, not the SP-API `errors[]` list. Secrets (client secret, refresh
 * token, code) only ever go in the body.
 */
export interface LwaTokens {
  accessToken: string;
  /** Seconds. */
  expiresIn: number;
  refreshToken?: string;
}

/**
 * `invalid_grant`: the refresh token (or code) is revoked, expired or never granted — the seller must
 * reconnect; never retry. `transient`: network, timeout, 5xx, `temporarily_unavailable`,
 * `server_error` — retry later, revoke nothing. `rejected`: anything else (a broker misconfiguration
 * such as `invalid_client`).
 */
export type LwaFailureKind = 'invalid_grant' | 'transient' | 'rejected';

export class LwaError extends Error {
  override name = 'LwaError';
  constructor(
    readonly kind: LwaFailureKind,
    /** HTTP status of LWA's answer; 0 when there was none. */
    readonly status: number,
    /** LWA's `error` code, or a network reason (`timeout`, `network`). */
    readonly lwaError: string,
  ) {
    super(`LWA token request failed (${status || 'no answer'}: ${lwaError})`);
  }
}

const TRANSIENT_ERRORS = new Set(['temporarily_unavailable', 'server_error']);

export interface LwaClientOptions {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
}

export class LwaClient {
  readonly #options: LwaClientOptions;
  readonly #agent = new Agent({ keepAliveTimeout: 30_000, connections: 32 });

  constructor(options: LwaClientOptions) {
    this.#options = options;
  }

  static fromConfig(config: Config): LwaClient {
    return new LwaClient({
      tokenUrl: config.lwaTokenUrl,
      clientId: config.lwaClientId,
      clientSecret: config.lwaClientSecret,
      timeoutMs: config.spapiTimeoutMs,
    });
  }

  /** `grant_type=refresh_token`: a fresh access token for a stored authorization. */
  refresh(refreshToken: string): Promise<LwaTokens> {
    return this.#token({ grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  /** `grant_type=authorization_code`: the one-time exchange at the end of the consent flow (code valid 5 minutes). */
  exchangeCode(code: string, redirectUri: string | undefined): Promise<LwaTokens> {
    return this.#token({ grant_type: 'authorization_code', code, ...(redirectUri ? { redirect_uri: redirectUri } : {}) });
  }

  async #token(grant: Record<string, string>): Promise<LwaTokens> {
    const form = new URLSearchParams({ ...grant, client_id: this.#options.clientId, client_secret: this.#options.clientSecret });
    const signal = AbortSignal.timeout(this.#options.timeoutMs);
    let status = 0;
    let text: string;
    try {
      const response = await request(this.#options.tokenUrl, {
        method: 'POST',
        dispatcher: this.#agent,
        headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' },
        body: form.toString(),
        signal,
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      // Only the reason, never the request (its body holds secrets).
      throw new LwaError('transient', status, signal.aborted ? 'timeout' : 'network');
    }
    const body = parseJson(text);
    if (status >= 200 && status < 300) {
      const accessToken = typeof body?.access_token === 'string' ? body.access_token : undefined;
      const expiresIn = Number(body?.expires_in);
      if (!accessToken || !Number.isFinite(expiresIn) || expiresIn <= 0) throw new LwaError('transient', status, 'malformed_response');
      return {
        accessToken,
        expiresIn,
        ...(typeof body?.refresh_token === 'string' ? { refreshToken: body.refresh_token } : {}),
      };
    }
    const code = typeof body?.error === 'string' ? body.error : status >= 500 ? 'server_error' : 'unknown_error';
    if (code === 'invalid_grant') throw new LwaError('invalid_grant', status, code);
    if (status >= 500 || status === 429 || TRANSIENT_ERRORS.has(code)) throw new LwaError('transient', status, code);
    throw new LwaError('rejected', status, code);
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

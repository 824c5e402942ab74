import { randomBytes } from 'node:crypto';
import Type, { type Static } from 'typebox';
import Value from 'typebox/value';
import { REDIS_URL_PATTERN } from './store/redis-url.js';

/**
 * Every setting the broker reads, described and validated once at boot (the README's
 * Configuration section lists them).
 * `loadConfig(env)` maps environment variables onto this schema; tests build a Config directly.
 */
const Url = Type.String({ pattern: '^https?://' });

/** A+ image download deadlines when unset: a 3 MiB image at about 1.3 Mbit/s; three such images per apply. */
export const IMAGE_FETCH_DEFAULTS = { perImageMs: 20_000, perApplyMs: 60_000 } as const;

export const ConfigSchema = Type.Object({
  port: Type.Integer({ minimum: 0, maximum: 65535, description: 'PORT' }),
  host: Type.String({ description: 'HOST' }),
  mode: Type.Union([Type.Literal('sandbox'), Type.Literal('production')], { description: 'BROKER_MODE' }),
  databaseUrl: Type.Optional(Type.String({ pattern: '^postgres(ql)?://', description: 'DATABASE_URL; unset = embedded PGlite' })),
  dataDir: Type.String({ description: 'BROKER_DATA_DIR: where embedded PGlite keeps its files' }),
  redisUrl: Type.Optional(
    Type.String({ pattern: REDIS_URL_PATTERN, description: 'REDIS_URL: redis[s]://host:port, or redis[s]+cluster://host:port,host:port (seed nodes); unset = in-process store' }),
  ),
  /** Prefix of every Redis key, so tests (and several brokers) can share one Redis. */
  redisKeyPrefix: Type.String(),
  internalApiKey: Type.String({ minLength: 16, description: 'INTERNAL_API_KEY' }),
  vaultKeys: Type.String({ minLength: 1, description: 'VAULT_KEYS: id1:base64key,id2:base64key' }),
  lwaClientId: Type.String({ description: 'LWA_CLIENT_ID' }),
  lwaClientSecret: Type.String({ description: 'LWA_CLIENT_SECRET' }),
  lwaTokenUrl: Url,
  spapiAppId: Type.Optional(Type.String({ description: 'SPAPI_APP_ID' })),
  spapiAppIsDraft: Type.Boolean({ description: 'SPAPI_APP_DRAFT: adds version=beta to the consent URL' }),
  spapiEndpoints: Type.Object({ NA: Url, EU: Url, FE: Url }),
  aws: Type.Optional(
    Type.Object({ accessKeyId: Type.String(), secretAccessKey: Type.String(), sessionToken: Type.Optional(Type.String()) }),
  ),
  oauthRedirectUri: Type.Optional(Url),
  spapiTimeoutMs: Type.Integer({ minimum: 100, maximum: 120_000 }),
  /** How long a caller may wait for the seller's Amazon quota before getting RATE_LIMIT. */
  quotaMaxWaitMs: Type.Integer({ minimum: 0, maximum: 30_000 }),
  /**
   * Deadlines of the A+ image downloads at apply (image-fetch.ts): one image (DNS, connect, every
   * redirect, headers and the whole body), and all images of one apply together. The maxima keep
   * them well inside the confirmation apply lease (5 min), with room for the Amazon calls.
   */
  imageFetchTimeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 60_000, description: `IMAGE_FETCH_TIMEOUT_MS: per image; default ${IMAGE_FETCH_DEFAULTS.perImageMs}` })),
  imageFetchTotalMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000, description: `IMAGE_FETCH_TOTAL_MS: all images of one apply; default ${IMAGE_FETCH_DEFAULTS.perApplyMs}` })),
  /** Front-door limits per job token and per internal key, requests per minute. */
  frontDoorPerMinute: Type.Integer({ minimum: 1, description: 'FRONT_DOOR_PER_MINUTE: per job token' }),
  internalPerMinute: Type.Integer({ minimum: 1, description: 'INTERNAL_PER_MINUTE: for the internal API key' }),
  /** Failed authentications per client address and minute before that address's unknown credentials are refused unchecked. */
  failedAuthPerMinute: Type.Integer({ minimum: 1, description: 'FAILED_AUTH_PER_MINUTE: per client address' }),
  logLevel: Type.Union([
    Type.Literal('fatal'),
    Type.Literal('error'),
    Type.Literal('warn'),
    Type.Literal('info'),
    Type.Literal('debug'),
    Type.Literal('trace'),
    Type.Literal('silent'),
  ]),
  migrateOnStart: Type.Boolean(),
  /** Behind a load balancer: take the client address from X-Forwarded-For (front-door limit by IP, logs). */
  trustProxy: Type.Boolean({ description: 'TRUST_PROXY' }),
  /** Largest accepted request body; feed uploads are the big ones. */
  bodyLimitBytes: Type.Integer({ minimum: 1024 }),
  /** Audit events older than this are dropped with their month's partition (DPP asks for 12 months). */
  auditRetentionDays: Type.Integer({ minimum: 1, maximum: 3650, description: 'AUDIT_RETENTION_DAYS' }),
  /** How long SIGTERM waits for in-flight calls and the audit flush before giving up (exit 1). */
  shutdownTimeoutMs: Type.Integer({ minimum: 100, maximum: 600_000, description: 'SHUTDOWN_TIMEOUT_MS' }),
  /**
   * Browser origins allowed to call POST /mcp (an Origin header outside this list is 403, as the MCP
   * transport spec asks against DNS rebinding). Agents are not browsers: none by default.
   */
  mcpAllowedOrigins: Type.Optional(Type.Array(Type.String({ pattern: '^https?://[^/]+$' }), { description: 'MCP_ALLOWED_ORIGINS: comma-separated origins, e.g. https://app.example.com' })),
  /**
   * Where to report a vulnerability, as RFC 9116 Contact URIs (mailto:, https:, tel:): served at
   * /.well-known/security.txt so a finder can reach the people running this deployment.
   */
  securityContact: Type.Optional(Type.Array(Type.String({ pattern: '^(mailto:[^\\s,@]+@[^\\s,@]+|https://[^\\s,]+|tel:\\+?[0-9-]+)$' }), { minItems: 1, description: 'SECURITY_CONTACT: comma-separated, e.g. mailto:security@example.com' })),
  /** Broker processes (node:cluster workers), one per core at most; 1 = no cluster. */
  workers: Type.Optional(Type.Integer({ minimum: 1, maximum: 64, description: 'BROKER_WORKERS (or WEB_CONCURRENCY); default 1' })),
});

export type Config = Static<typeof ConfigSchema>;

export const AMAZON_ENDPOINTS = {
  NA: 'https://sellingpartnerapi-na.amazon.com',
  EU: 'https://sellingpartnerapi-eu.amazon.com',
  FE: 'https://sellingpartnerapi-fe.amazon.com',
} as const;

const PRODUCTION_REQUIRED = [
  'DATABASE_URL',
  'REDIS_URL',
  'VAULT_KEYS',
  'INTERNAL_API_KEY',
  'LWA_CLIENT_ID',
  'LWA_CLIENT_SECRET',
] as const;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

const bool = (value: string | undefined, fallback: boolean) =>
  value === undefined || value === '' ? fallback : !['false', '0', 'no', 'off'].includes(value.toLowerCase());
const int = (value: string | undefined, fallback: number) => (value === undefined || value === '' ? fallback : Number(value));

/** A fresh random keyring entry, for sandbox mode where nothing is configured. */
export const generateVaultKeys = () => `sandbox:${randomBytes(32).toString('base64')}`;

export function loadConfig(env: Env = process.env): Config {
  const mode = env.BROKER_MODE ?? (env.LWA_CLIENT_ID ? 'production' : 'sandbox');
  if (mode === 'production') {
    const missing = PRODUCTION_REQUIRED.filter((name) => !env[name]);
    if (missing.length > 0) {
      throw new ConfigError(`BROKER_MODE=production needs ${missing.join(', ')} (missing: ${missing.join(', ')})`);
    }
  }
  const sandbox = mode === 'sandbox';
  const candidate: Record<string, unknown> = {
    port: int(env.PORT, 8080),
    host: env.HOST ?? '127.0.0.1',
    mode,
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.BROKER_DATA_DIR ?? './.data',
    redisUrl: env.REDIS_URL || undefined,
    redisKeyPrefix: env.REDIS_KEY_PREFIX ?? 'broker:',
    internalApiKey: env.INTERNAL_API_KEY ?? (sandbox ? `sandbox-${randomBytes(18).toString('base64url')}` : undefined),
    vaultKeys: env.VAULT_KEYS ?? (sandbox ? generateVaultKeys() : undefined),
    lwaClientId: env.LWA_CLIENT_ID ?? (sandbox ? 'sandbox-client' : undefined),
    lwaClientSecret: env.LWA_CLIENT_SECRET ?? (sandbox ? 'sandbox-secret' : undefined),
    lwaTokenUrl: env.LWA_TOKEN_URL ?? 'https://api.amazon.com/auth/o2/token',
    spapiAppId: env.SPAPI_APP_ID || (sandbox ? 'amzn1.sellerapps.app.sandbox' : undefined),
    spapiAppIsDraft: bool(env.SPAPI_APP_DRAFT, false),
    spapiEndpoints: {
      NA: env.SPAPI_ENDPOINT_NA ?? AMAZON_ENDPOINTS.NA,
      EU: env.SPAPI_ENDPOINT_EU ?? AMAZON_ENDPOINTS.EU,
      FE: env.SPAPI_ENDPOINT_FE ?? AMAZON_ENDPOINTS.FE,
    },
    aws:
      env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
        ? {
            accessKeyId: env.AWS_ACCESS_KEY_ID,
            secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
            ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
          }
        : undefined,
    oauthRedirectUri: env.OAUTH_REDIRECT_URI || undefined,
    spapiTimeoutMs: int(env.SPAPI_TIMEOUT_MS, 10_000),
    quotaMaxWaitMs: int(env.QUOTA_MAX_WAIT_MS, 3_000),
    imageFetchTimeoutMs: int(env.IMAGE_FETCH_TIMEOUT_MS, IMAGE_FETCH_DEFAULTS.perImageMs),
    imageFetchTotalMs: int(env.IMAGE_FETCH_TOTAL_MS, IMAGE_FETCH_DEFAULTS.perApplyMs),
    frontDoorPerMinute: int(env.FRONT_DOOR_PER_MINUTE, 600),
    internalPerMinute: int(env.INTERNAL_PER_MINUTE, 6000),
    failedAuthPerMinute: int(env.FAILED_AUTH_PER_MINUTE, 60),
    logLevel: env.LOG_LEVEL ?? 'info',
    migrateOnStart: bool(env.MIGRATE_ON_START, true),
    trustProxy: bool(env.TRUST_PROXY, false),
    // Room for a 10 MiB feed document (the feed cap) once JSON-escaped.
    bodyLimitBytes: int(env.BODY_LIMIT_BYTES, 16 * 1024 * 1024),
    auditRetentionDays: int(env.AUDIT_RETENTION_DAYS, 365),
    shutdownTimeoutMs: int(env.SHUTDOWN_TIMEOUT_MS, 10_000),
    workers: int(env.BROKER_WORKERS || env.WEB_CONCURRENCY, 1),
    securityContact: env.SECURITY_CONTACT ? env.SECURITY_CONTACT.split(',').map((uri) => uri.trim()) : undefined,
    mcpAllowedOrigins: env.MCP_ALLOWED_ORIGINS ? env.MCP_ALLOWED_ORIGINS.split(',').map((origin) => origin.trim()).filter(Boolean) : undefined,
  };
  for (const key of Object.keys(candidate)) if (candidate[key] === undefined) delete candidate[key];
  const config = assertConfig(candidate);
  // Embedded PGlite and the in-process store belong to one process: workers could not share them.
  if ((config.workers ?? 1) > 1 && (!config.databaseUrl || !config.redisUrl)) {
    throw new ConfigError(`BROKER_WORKERS=${config.workers} needs DATABASE_URL and REDIS_URL (workers share state only through them)`);
  }
  return config;
}

export function assertConfig(candidate: unknown): Config {
  if (Value.Check(ConfigSchema, candidate)) return candidate;
  const problems = [...Value.Errors(ConfigSchema, candidate)]
    .filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'boolean')
    .map((e) => `${e.instancePath || '/'} ${e.message}`);
  throw new ConfigError(`invalid configuration: ${[...new Set(problems)].join('; ')}`);
}

import pino, { type DestinationStream, type Logger } from 'pino';
import type { Config } from './config.js';

/**
 * Secrets never reach a log line: every place a token, key or Amazon credential can sit,
 * at any depth we log, is censored here (tested by grepping captured output for a minted token).
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-amz-access-token"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["x-amz-access-token"]',
  '*.authorization',
  '*.job_token',
  '*.refresh_token',
  '*.access_token',
  '*.client_secret',
  '*.internal_api_key',
  '*.internalApiKey',
  '*.vaultKeys',
  '*.lwaClientSecret',
  '*.secretAccessKey',
  '*.sessionToken',
  '*.spapi_oauth_code',
  // OAuth states are single-use bearer values until consumed.
  '*.oauth_state',
  '*["x-amz-access-token"]',
  '*.*.authorization',
  '*.*.refresh_token',
  '*.*.access_token',
  '*.*["x-amz-access-token"]',
  'job_token',
  'refresh_token',
  'access_token',
  'authorization',
];

export function createLogger(config: Pick<Config, 'logLevel'>, destination?: DestinationStream): Logger {
  const options = {
    level: config.logLevel,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { service: 'capability-broker' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}

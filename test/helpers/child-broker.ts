import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Config } from '../../src/config.js';
import { DIST, ensureBuild } from './build.js';

/**
 * A real broker process (the compiled `dist/server.js` in production mode) for tests that must kill it
 * (SIGKILL leaves no chance to clean up, unlike closing an in-process app).
 */
export interface ChildBroker {
  baseUrl: string;
  process: ChildProcess;
  /** Output so far (pino JSON lines), for diagnosing a failed start. */
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** The environment that makes a child broker share `config`'s keys, stores and Amazon endpoints. */
export function childEnvironment(config: Config, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    BROKER_MODE: 'production',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    MIGRATE_ON_START: 'false',
    DATABASE_URL: config.databaseUrl ?? '',
    REDIS_URL: config.redisUrl ?? '',
    REDIS_KEY_PREFIX: config.redisKeyPrefix,
    VAULT_KEYS: config.vaultKeys,
    INTERNAL_API_KEY: config.internalApiKey,
    LWA_CLIENT_ID: config.lwaClientId,
    LWA_CLIENT_SECRET: config.lwaClientSecret,
    LWA_TOKEN_URL: config.lwaTokenUrl,
    SPAPI_ENDPOINT_NA: config.spapiEndpoints.NA,
    SPAPI_ENDPOINT_EU: config.spapiEndpoints.EU,
    SPAPI_ENDPOINT_FE: config.spapiEndpoints.FE,
    SPAPI_TIMEOUT_MS: String(config.spapiTimeoutMs),
    ...overrides,
  };
}

/** Runs the compiled broker (`npm start`); call ensureBuild() in a beforeAll first, where a rebuild has time. */
export async function startChildBroker(env: Record<string, string>): Promise<ChildBroker> {
  await ensureBuild();
  const child = spawn(process.execPath, [path.join(DIST, 'server.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child broker did not listen in time:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (!listening?.[1]) return;
      clearTimeout(timer);
      resolve({
        baseUrl: listening[1],
        process: child,
        output: () => output,
        async kill(signal: NodeJS.Signals = 'SIGKILL') {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          await exited;
        },
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`child broker exited (${code}) before listening:\n${output}`));
    });
  });
}

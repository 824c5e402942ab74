/**
 * `npm run simulator`: the SP-API simulator alone, on SIMULATOR_PORT (default 9100) and
 * SIMULATOR_HOST / HOST (default 127.0.0.1). SIMULATOR_REGIONAL=true serves NA/EU/FE on three ports.
 */
import { SEED, startSimulator } from './index.js';

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name} must be a port number, got '${raw}'`);
  return n;
}

async function main(): Promise<void> {
  const sim = await startSimulator({
    port: envNumber('SIMULATOR_PORT', 9100),
    host: process.env.SIMULATOR_HOST ?? process.env.HOST ?? '127.0.0.1',
    regional: process.env.SIMULATOR_REGIONAL === 'true' || process.env.SIMULATOR_REGIONAL === '1',
    rateLimits: process.env.SIMULATOR_RATE_LIMITS !== 'false',
    logger: process.env.SIMULATOR_LOG === 'true',
  });
  const lines = [
    `SP-API simulator listening on ${sim.baseUrl}`,
    `  endpoints: NA ${sim.endpoints.NA}  EU ${sim.endpoints.EU}  FE ${sim.endpoints.FE}`,
    `  LWA token URL: ${sim.lwaTokenUrl}`,
    `  LWA client: ${SEED.lwa.clientId} / ${SEED.lwa.clientSecret}`,
    ...Object.values(SEED.sellers).map((s) => `  refresh token ${s.refreshToken} -> ${s.sellingPartnerId} (${s.marketplaceIds.join(', ')})`),
    `  control API: ${sim.baseUrl}/_sim/stats, /_sim/reset, /_sim/faults, /_sim/sellers`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    process.stdout.write(`received ${signal}, closing\n`);
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`simulator failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

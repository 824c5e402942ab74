import { buildApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { prepareSandbox, resetSandboxData, type Sandbox, sandboxBanner, seedDemoBuyer } from './sandbox.js';
import { installShutdown } from './shutdown.js';
import { isClusterPrimary, joinCluster, superviseWorkers } from './cluster.js';

// Only listens and closes gracefully; everything else is buildApp's.
let config: Config;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`broker: ${error.message}`);
    process.exit(1);
  }
  throw error;
}

// BROKER_WORKERS > 1: this process only supervises the workers (each of which runs what follows).
if (isClusterPrimary(config)) await superviseWorkers(config);

let sandbox: Sandbox | undefined;
if (config.mode === 'sandbox') {
  sandbox = await prepareSandbox(config);
  config = sandbox.config;
}

const app = await buildApp(config);
if (sandbox) {
  await resetSandboxData(app);
  await seedDemoBuyer(app);
}
await app.listen({ port: config.port, host: config.host });
if (sandbox) {
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  console.log(sandboxBanner(config, `http://${config.host}:${port}`));
}

installShutdown(app, { timeoutMs: config.shutdownTimeoutMs, ...(sandbox ? { alsoClose: () => sandbox.simulator.close() } : {}) });
joinCluster(app);

import { ConfigError, loadConfig, type Config } from './config.js';
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
// It never serves, so it never loads the app (imported below): that would only add its memory.
if (isClusterPrimary(config)) await superviseWorkers(config);

const [{ buildApp }, { installShutdown }] = await Promise.all([import('./app.js'), import('./shutdown.js')]);
// The simulator and demo seeding are sandbox mode's only; a production process never loads them.
const sandboxModule = config.mode === 'sandbox' ? await import('./sandbox.js') : undefined;
const sandbox = sandboxModule ? await sandboxModule.prepareSandbox(config) : undefined;
if (sandbox) config = sandbox.config;

const app = await buildApp(config);
if (sandboxModule) {
  await sandboxModule.resetSandboxData(app);
  await sandboxModule.seedDemoBuyer(app);
}
await app.listen({ port: config.port, host: config.host });
if (sandboxModule) {
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  console.log(sandboxModule.sandboxBanner(config, `http://${config.host}:${port}`));
}

installShutdown(app, { timeoutMs: config.shutdownTimeoutMs, ...(sandbox ? { alsoClose: () => sandbox.simulator.close() } : {}) });
joinCluster(app);

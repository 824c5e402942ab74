import { Cluster, type ClusterNode, Redis, type RedisOptions } from 'ioredis';

/**
 * One Redis, or a Redis Cluster named by its seed nodes:
 *   redis://[user:password@]host:port[/db]          rediss:// for TLS
 *   redis+cluster://[user:password@]host:port,host:port,…   rediss+cluster:// for TLS
 * Every key the broker uses is single-key or carries a hash tag (a seller's quota keys share
 * `{sp:<id>}`), so scripts run unchanged on a Cluster without CROSSSLOT errors.
 */
export type RedisClient = Redis | Cluster;

/** The quota scripts' batch command (src/quota/redis-scripts.ts), left out of the auto-pipeline below. */
export const QUOTA_BATCH_COMMAND = 'brokerBatch';

// Fail fast instead of queueing commands while Redis is down: every caller degrades or falls back.
const COMMON: RedisOptions = {
  // Fail fast instead of queueing commands forever while Redis is down: callers degrade.
  maxRetriesPerRequest: 1,
  connectTimeout: 2_000,
  // A Redis that accepts but stops answering (partition, stuck process) must not hang calls:
  // every user of the store treats a failed command as a cache miss or degrades.
  commandTimeout: 1_000,
  keepAlive: 10_000,
  // Commands issued while one batch of I/O events is handled go out in one write (ioredis flushes
  // on setImmediate): under load, many calls' quota scripts share a system call and a Redis wake-up.
  enableAutoPipelining: true,
  // The quota scripts' batch is already one write per turn: another turn's wait and a pipeline per
  // batch on top only cost time.
  autoPipeliningIgnoredCommands: [QUOTA_BATCH_COMMAND],
};
const retry = (times: number) => Math.min(times * 200, 2_000);

export interface ClusterUrl {
  nodes: ClusterNode[];
  username?: string;
  password?: string;
  tls: boolean;
}

export function parseClusterUrl(url: string): ClusterUrl {
  const match = /^(rediss?)\+cluster:\/\/(?:([^@/]*)@)?([^/?#]+)/.exec(url);
  if (!match) throw new Error('a Redis Cluster URL looks like redis+cluster://host:port,host:port');
  const [, scheme, auth, hosts] = match;
  const nodes = hosts!.split(',').map((hostPort) => {
    const portAt = hostPort.lastIndexOf(':');
    const host = portAt > 0 ? hostPort.slice(0, portAt) : hostPort;
    const port = portAt > 0 ? Number(hostPort.slice(portAt + 1)) : 6379;
    if (!host || !Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`bad Redis Cluster seed node '${hostPort}'`);
    return { host: host.replace(/^\[(.*)\]$/, '$1'), port };
  });
  const [username, password] = auth ? auth.split(':').map(decodeURIComponent) : [];
  return { nodes, tls: scheme === 'rediss', ...(username ? { username } : {}), ...(password !== undefined ? { password } : {}) };
}

/** A lazily connecting client (call connect()); 'error' events are swallowed: callers see failed commands. */
export function createRedisClient(url: string): RedisClient {
  let client: RedisClient;
  if (/^rediss?\+cluster:\/\//.test(url)) {
    const { nodes, username, password, tls } = parseClusterUrl(url);
    client = new Cluster(nodes, {
      lazyConnect: true,
      // While the cluster is unreachable, commands fail at once (callers fall back) instead of queueing.
      enableOfflineQueue: false,
      clusterRetryStrategy: retry,
      slotsRefreshTimeout: 2_000,
      redisOptions: { ...COMMON, ...(username ? { username } : {}), ...(password ? { password } : {}), ...(tls ? { tls: {} } : {}) },
    });
  } else {
    client = new Redis(url, { ...COMMON, lazyConnect: true, enableOfflineQueue: false, retryStrategy: retry });
  }
  // ioredis emits 'error' on every failed reconnect; without a listener Node would crash.
  client.on('error', () => {});
  return client;
}

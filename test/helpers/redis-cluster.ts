import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A throwaway 3-master Redis Cluster on local ports, from `redis-server --cluster-enabled yes`. */
export const redisClusterTools = () =>
  spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).status === 0 && spawnSync('redis-cli', ['--version'], { encoding: 'utf8' }).status === 0;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const cli = (port: number, ...args: string[]) => spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'utf8', timeout: 10_000 });

async function until(what: string, check: () => boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Redis Cluster: ${what} did not happen in ${timeoutMs} ms`);
    await sleep(50);
  }
}

export interface RedisCluster {
  /** REDIS_URL for the broker: redis+cluster://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3 */
  url: string;
  ports: number[];
  stop(): Promise<void>;
}

export async function startRedisCluster(masters = 3): Promise<RedisCluster> {
  const dir = mkdtempSync(path.join(tmpdir(), 'broker-redis-cluster-'));
  const nodes: { port: number; process: ChildProcess }[] = [];
  const stop = async () => {
    await Promise.all(
      nodes.map(
        (node) =>
          new Promise<void>((resolve) => {
            if (node.process.exitCode !== null || node.process.signalCode !== null) return resolve();
            node.process.once('exit', () => resolve());
            node.process.kill('SIGKILL');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i++) {
      // The bus port is named too (cluster-port), so port + 10000 never has to be free.
      const [port, busPort] = [await freePort(), await freePort()];
      const args = ['--port', String(port), '--cluster-port', String(busPort), '--bind', '127.0.0.1', '--cluster-enabled', 'yes'];
      args.push('--cluster-config-file', path.join(dir, `nodes-${port}.conf`), '--cluster-node-timeout', '2000', '--dir', dir);
      args.push('--save', '', '--appendonly', 'no', '--protected-mode', 'no', '--logfile', path.join(dir, `redis-${port}.log`));
      nodes.push({ port, process: spawn('redis-server', args, { stdio: 'ignore' }) });
    }
    for (const { port } of nodes) await until(`node ${port} answering`, () => cli(port, 'ping').stdout.trim() === 'PONG');
    const created = spawnSync('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed:\n${created.stdout}\n${created.stderr}`);
    for (const { port } of nodes) await until(`node ${port} cluster_state:ok`, () => cli(port, 'cluster', 'info').stdout.includes('cluster_state:ok'));
  } catch (error) {
    await stop();
    throw error;
  }
  const ports = nodes.map((n) => n.port);
  return { url: `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(',')}`, ports, stop };
}

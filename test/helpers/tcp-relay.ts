import net from 'node:net';

/**
 * A TCP relay between the broker and one of its stores (Postgres, Redis), controlled by the test:
 * - `cut()`: every open connection is reset and new ones are dropped as soon as they arrive
 *   (a failover, a restart, an idle-connection reaper);
 * - `stall()`: connections stay open but no byte moves in either direction, new ones included
 *   (a partition, a stuck server);
 * - `restore()`: traffic flows again (stalled bytes are delivered; cut connections stay gone).
 */
export type RelayMode = 'open' | 'cut' | 'stalled';

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
}

export class TcpRelay {
  private mode: RelayMode = 'open';
  private readonly pairs = new Set<Pair>();

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  /** Starts a relay to `target` (a `host:port`, or a URL whose host and port are used). */
  static async start(target: string): Promise<TcpRelay> {
    const { hostname, port } = target.includes('://') ? new URL(target) : new URL(`tcp://${target}`);
    let relay: TcpRelay | undefined;
    const server = net.createServer((client) => relay?.accept(client, hostname, Number(port)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    relay = new TcpRelay(server, (server.address() as net.AddressInfo).port);
    return relay;
  }

  /** `url` with its host and port replaced by the relay's. */
  via(url: string): string {
    const rewritten = new URL(url);
    rewritten.hostname = '127.0.0.1';
    rewritten.port = String(this.port);
    return rewritten.toString();
  }

  get connections(): number {
    return this.pairs.size;
  }

  private accept(client: net.Socket, host: string, port: number) {
    if (this.mode === 'cut') {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect({ host, port });
    const pair: Pair = { client, upstream };
    this.pairs.add(pair);
    if (this.mode === 'open') this.flow(pair);
    const drop = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  }

  private flow(pair: Pair) {
    pair.client.pipe(pair.upstream);
    pair.upstream.pipe(pair.client);
  }

  private hold(pair: Pair) {
    pair.client.unpipe(pair.upstream);
    pair.upstream.unpipe(pair.client);
    pair.client.pause();
    pair.upstream.pause();
  }

  cut(): void {
    this.mode = 'cut';
    for (const pair of this.pairs) {
      pair.client.resetAndDestroy();
      pair.upstream.destroy();
    }
    this.pairs.clear();
  }

  stall(): void {
    this.mode = 'stalled';
    for (const pair of this.pairs) this.hold(pair);
  }

  restore(): void {
    const wasStalled = this.mode === 'stalled';
    this.mode = 'open';
    if (wasStalled) for (const pair of this.pairs) this.flow(pair);
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

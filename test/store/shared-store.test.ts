import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createSharedStore, MemoryStore } from '../../src/store/shared-store.js';

describe('the Redis store', () => {
  const sockets: net.Socket[] = [];
  let silent = false;
  // A fake Redis that completes the handshake, then reads everything and answers nothing.
  const server = net.createServer((socket) => {
    sockets.push(socket);
    socket.on('data', (data) => {
      if (silent) return;
      if (/INFO/i.test(data.toString())) {
        const info = '# Server\r\nloading:0\r\n';
        socket.write(`$${Buffer.byteLength(info)}\r\n${info}\r\n`);
      } else socket.write('+OK\r\n');
    });
  });
  afterAll(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });

  it('fails a command within about a second when Redis stops answering, instead of hanging', async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const store = await createSharedStore(`redis://127.0.0.1:${port}`, 'x:');
    silent = true;
    const started = Date.now();
    await expect(store.get('k')).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(3_000);
    await store.close();
  });

  it('starts without Redis and reports the failure instead of throwing', async () => {
    const problems: unknown[] = [];
    const store = await createSharedStore('redis://127.0.0.1:1', 'x:', (error) => problems.push(error));
    expect(problems).toHaveLength(1);
    await expect(store.ping()).rejects.toThrow();
    await store.close();
  });
});

describe('the in-process store', () => {
  it('forgets expired entries even when nobody reads them again', async () => {
    const store = new MemoryStore({ sweepIntervalMs: 20 });
    for (let i = 0; i < 100; i++) await store.set(`k${i}`, 'v', 10);
    await new Promise((r) => setTimeout(r, 80));
    expect(store.size).toBe(0);
    await store.close();
  });

  it('caps its size, dropping the oldest entries first', async () => {
    const store = new MemoryStore({ maxEntries: 3 });
    await store.set('a', '1', 1_000);
    await store.set('b', '2', 60_000);
    await store.set('c', '3', 60_000);
    await store.set('d', '4', 60_000);
    expect(store.size).toBe(3);
    expect(await store.get('a')).toBeNull();
    expect(await store.get('d')).toBe('4');
    await store.close();
  });
});

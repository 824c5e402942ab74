import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChunkedWriter } from '../../src/chunked-writer.js';
import { Metrics } from '../../src/metrics.js';

function tempFile() {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'chunked-writer-')), 'log');
  return { file, fd: openSync(file, 'w'), read: () => readFileSync(file, 'utf8') };
}

const line = (i: number) => `{"n":${i},"msg":"${'x'.repeat(90)}"}\n`;

describe('ChunkedWriter (the log destination)', () => {
  it('holds lines until a chunk is full, then writes them whole and in order', async () => {
    const out = tempFile();
    const writer = new ChunkedWriter(out.fd, { chunkChars: 1000, flushMs: 60_000 });
    for (let i = 0; i < 5; i++) writer.write(line(i));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(out.read()).toBe(''); // under a chunk: no system call yet
    for (let i = 5; i < 200; i++) writer.write(line(i));
    await writer.close();
    expect(out.read()).toBe(Array.from({ length: 200 }, (_, i) => line(i)).join(''));
    closeSync(out.fd);
  });

  it('flushes a partial chunk on its timer', async () => {
    const out = tempFile();
    const writer = new ChunkedWriter(out.fd, { chunkChars: 1 << 20, flushMs: 10 });
    writer.write(line(1));
    await expect.poll(out.read, { timeout: 2000 }).toBe(line(1));
    await writer.close();
    closeSync(out.fd);
  });

  it('keeps multi-byte text intact across chunks', async () => {
    const out = tempFile();
    const writer = new ChunkedWriter(out.fd, { chunkChars: 64, flushMs: 60_000 });
    const lines = Array.from({ length: 50 }, (_, i) => `{"n":${i},"name":"Café ☕ 東京 ${'é'.repeat(i)}"}\n`);
    for (const text of lines) writer.write(text);
    await writer.close();
    expect(out.read()).toBe(lines.join(''));
    closeSync(out.fd);
  });

  it('drops lines past its bound when the reader stalls, and counts them', async () => {
    const out = tempFile();
    const writer = new ChunkedWriter(out.fd, { chunkChars: 1 << 20, maxPendingChars: 1000, flushMs: 60_000 });
    let accepted = 0;
    for (let i = 0; i < 50; i++) if (writer.write(line(i))) accepted += 1;
    expect(writer.droppedLines).toBe(50 - accepted);
    expect(accepted).toBeGreaterThan(5);
    await writer.close();
    expect(out.read().split('\n').filter(Boolean)).toHaveLength(accepted);
    closeSync(out.fd);
  });

  it('reports what it lost as counters at scrape time', async () => {
    const out = tempFile();
    const writer = new ChunkedWriter(out.fd, { chunkChars: 1 << 20, maxPendingChars: 100, flushMs: 60_000 });
    const metrics = new Metrics();
    metrics.trackLogWriter(writer);
    for (let i = 0; i < 5; i++) writer.write(line(i)); // the first fits, the other four are dropped
    expect(await metrics.registry.metrics()).toMatch(/^broker_log_lines_dropped_total 4$/m);
    writer.write(line(9));
    expect(await metrics.registry.metrics()).toMatch(/^broker_log_lines_dropped_total 5$/m);
    await writer.close();
    closeSync(out.fd);
  });

  it('counts a chunk lost to a failed descriptor and goes on', async () => {
    const out = tempFile();
    closeSync(out.fd);
    const writer = new ChunkedWriter(out.fd, { chunkChars: 10, flushMs: 60_000 });
    writer.write(line(1));
    await writer.close();
    expect(writer.failedWrites).toBe(1);
  });

  it('writes what is pending when the process exits, without waiting for a timer', () => {
    const out = tempFile();
    closeSync(out.fd);
    const script = `
      const { openSync } = require('node:fs');
      const { ChunkedWriter } = require(${JSON.stringify(path.resolve('src/chunked-writer.ts'))});
      const writer = new ChunkedWriter(openSync(${JSON.stringify(out.file)}, 'w'), { chunkChars: 1 << 20, flushMs: 60_000 });
      for (let i = 0; i < 100; i++) writer.write('line ' + i + '\\n');
      process.exit(3);`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' });
    expect(child.status).toBe(3);
    expect(out.read()).toBe(Array.from({ length: 100 }, (_, i) => `line ${i}\n`).join(''));
  });
});

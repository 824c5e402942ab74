import { write, writeSync } from 'node:fs';

/**
 * Log lines to a file descriptor (stdout) in chunks: one system call per ~32 KB instead of one per
 * line, off the event loop (fs.write), flushed at least every `flushMs`, drained by `close()` and
 * written synchronously at process exit.
 *
 * Why not pino.destination (sonic-boom) with a minLength: it appends each line to one growing
 * string and measures that string's UTF-8 length on every write, which flattens it — a copy of the
 * whole pending chunk per line. Under load that was 16 KB of garbage and ~3 µs per request
 * (bench/README.md, "the log chunks"). Here a line is pushed onto an array and the chunk is joined
 * once, when it is written.
 */
export interface ChunkedWriterOptions {
  /** Pending characters that start a write. */
  chunkChars?: number;
  /** Beyond this many pending characters (the reader stalled) lines are dropped, and counted. */
  maxPendingChars?: number;
  flushMs?: number;
}

const RETRY_MS = 20;
const EXIT_ATTEMPTS = 100;

const live = new Set<ChunkedWriter>();
let exitHookInstalled = false;

export class ChunkedWriter {
  private lines: string[] = [];
  private pendingChars = 0;
  private writing = false;
  private drained: (() => void)[] = [];
  private readonly chunkChars: number;
  private readonly maxPendingChars: number;
  private readonly timer: NodeJS.Timeout;
  /** Lines dropped because the reader stalled (more than maxPendingChars waiting). */
  droppedLines = 0;
  /** Chunks lost to a failed write (EPIPE, EBADF: the reader is gone). */
  failedWrites = 0;

  constructor(
    private readonly fd: number,
    options: ChunkedWriterOptions = {},
  ) {
    this.chunkChars = options.chunkChars ?? 32 * 1024;
    this.maxPendingChars = options.maxPendingChars ?? 16 * 1024 * 1024;
    this.timer = setInterval(() => this.flush(), options.flushMs ?? 250).unref();
    live.add(this);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.once('exit', () => {
        for (const writer of live) writer.flushSync();
      });
    }
  }

  write(line: string): boolean {
    if (this.pendingChars > this.maxPendingChars) {
      this.droppedLines += 1;
      return false;
    }
    this.lines.push(line);
    this.pendingChars += line.length;
    if (this.pendingChars >= this.chunkChars) this.flush();
    return true;
  }

  /** Starts writing what is pending, unless a write is on its way (its completion writes the rest). */
  flush(): void {
    if (this.writing || this.lines.length === 0) return;
    this.writing = true;
    this.send(this.take());
  }

  /**
   * Writes everything pending, waiting for writes on their way, and stops the timer. The writer
   * stays usable: lines written after it (a shutdown's last words) are written at exit.
   */
  async close(): Promise<void> {
    clearInterval(this.timer);
    while (this.writing || this.lines.length > 0) {
      await new Promise<void>((resolve) => {
        this.drained.push(resolve);
        this.flush();
      });
    }
  }

  /**
   * At exit: what is pending, written synchronously. A chunk on its way in the thread pool is not
   * written again (it would appear twice); its system call was already handed to a thread.
   */
  flushSync(): void {
    if (this.lines.length === 0) return;
    let chunk = this.take();
    for (let attempt = 0; attempt < EXIT_ATTEMPTS && chunk.length > 0; attempt++) {
      try {
        chunk = chunk.subarray(writeSync(this.fd, chunk));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') return;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
      }
    }
  }

  private take(): Buffer {
    const chunk = Buffer.from(this.lines.length === 1 ? (this.lines[0] as string) : this.lines.join(''), 'utf8');
    this.lines = [];
    this.pendingChars = 0;
    return chunk;
  }

  private send(chunk: Buffer): void {
    write(this.fd, chunk, 0, chunk.length, null, (error, written) => {
      if (error) {
        // A non-blocking pipe that is full: try again shortly. Anything else (EPIPE, EBADF): the
        // reader is gone, and the chunk with it.
        if (error.code === 'EAGAIN') {
          setTimeout(() => this.send(chunk), RETRY_MS).unref();
          return;
        }
        this.failedWrites += 1;
      } else if (written < chunk.length) {
        this.send(chunk.subarray(written));
        return;
      }
      this.writing = false;
      if (this.pendingChars >= this.chunkChars || (this.drained.length > 0 && this.lines.length > 0)) this.flush();
      if (!this.writing) for (const resolve of this.drained.splice(0)) resolve();
    });
  }
}

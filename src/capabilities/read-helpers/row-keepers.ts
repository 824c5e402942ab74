import type { RowKeeper } from './json-stream.js';

/** Which rows of a streamed top-level array stay in memory (see json-stream.ts). */
export function firstRows(limit: number): RowKeeper {
  const kept: unknown[] = [];
  return {
    add: (row) => {
      if (kept.length < limit) kept.push(row);
    },
    rows: () => kept,
  };
}

/**
 * Keeps the `limit` rows with the lowest `rank` (ties: the earlier row), answered in rank order.
 * A max-heap on rank: each row costs O(log limit), memory stays `limit` rows however long the array.
 */
export function lowestRanked(limit: number, rank: (row: unknown) => number): RowKeeper {
  type Entry = { row: unknown; rank: number; seq: number };
  const heap: Entry[] = [];
  let seq = 0;
  const worse = (a: Entry, b: Entry) => a.rank > b.rank || (a.rank === b.rank && a.seq > b.seq);
  const swap = (i: number, j: number) => {
    const t = heap[i]!;
    heap[i] = heap[j]!;
    heap[j] = t;
  };
  const up = (i: number) => {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!worse(heap[i]!, heap[parent]!)) return;
      swap(i, parent);
      i = parent;
    }
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let top = i;
      if (l < heap.length && worse(heap[l]!, heap[top]!)) top = l;
      if (r < heap.length && worse(heap[r]!, heap[top]!)) top = r;
      if (top === i) return;
      swap(i, top);
      i = top;
    }
  };
  return {
    add(row) {
      if (limit <= 0) return;
      const entry = { row, rank: rank(row), seq: seq++ };
      if (heap.length < limit) {
        heap.push(entry);
        up(heap.length - 1);
      } else if (worse(heap[0]!, entry)) {
        heap[0] = entry;
        down(0);
      }
    },
    rows: () => [...heap].sort((a, b) => a.rank - b.rank || a.seq - b.seq).map((e) => e.row),
  };
}

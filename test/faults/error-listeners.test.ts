import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Issue 11: a pg Client/Pool or an ioredis connection without an 'error' listener ends the process
 * when its connection drops (Node throws unhandled 'error' events). Any file of src/ that creates
 * one must also attach a listener — this catches a new connection (a LISTEN client, a Redis
 * subscriber, a Cluster) added without one. The fault tests prove the existing ones at run time.
 */
const opensConnection = (text: string) =>
  (/from 'pg'/.test(text) && /new\s+(pg\.)?(Pool|Client)\s*\(/.test(text)) || /new\s+(Redis|Cluster)\s*\(|\.duplicate\s*\(/.test(text);
const LISTENS_FOR_ERRORS = /\.on\(\s*['"]error['"]/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return entry === 'simulator' ? [] : sourceFiles(full);
    return full.endsWith('.ts') ? [full] : [];
  });
}

describe('store connections', () => {
  it('every file that opens a Postgres or Redis connection listens for its errors', () => {
    const creating = sourceFiles('src').filter((file) => opensConnection(readFileSync(file, 'utf8')));
    expect(creating.length).toBeGreaterThanOrEqual(2);
    const silent = creating.filter((file) => !LISTENS_FOR_ERRORS.test(readFileSync(file, 'utf8')));
    expect(silent).toEqual([]);
  });
});

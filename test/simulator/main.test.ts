/** `npm run simulator` (node dist/simulator/main.js) starts, prints its credentials and answers LWA. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DIST, ensureBuild } from '../helpers/build.js';

function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<{ match: RegExpMatchArray; output: string }> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(pattern);
      if (match) {
        clearTimeout(timer);
        resolve({ match, output });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`simulator exited with ${code}:\n${output}`));
    });
  });
}

describe('npm run simulator', () => {
  let child: ChildProcess | undefined;
  beforeAll(() => ensureBuild(), 240_000);
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGTERM');
  });

  it('listens, prints the seeded credentials and serves LWA', async () => {
    child = spawn(process.execPath, [path.join(DIST, 'simulator/main.js')], {
      cwd: process.cwd(),
      env: { ...process.env, SIMULATOR_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const { match, output } = await waitForLine(child, /listening on (http:\/\/127\.0\.0\.1:\d+)[\s\S]*control API/, 20_000);
    expect(output).toContain('Atzr|sandbox-na -> A1SANDBOXNA0001');
    expect(output).toContain('sandbox-client / sandbox-secret');
    const base = match[1]!;
    const res = await fetch(`${base}/auth/o2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'Atzr|sandbox-fe', client_id: 'sandbox-client', client_secret: 'sandbox-secret' }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string };
    const sellers = await fetch(`${base}/sellers/v1/marketplaceParticipations`, { headers: { 'x-amz-access-token': body.access_token } });
    expect(sellers.status).toBe(200);
    const exited = new Promise<number | null>((r) => child!.on('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});

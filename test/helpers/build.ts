import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';

/**
 * Tests that run the compiled broker (npm start, npm run migrate, the shutdown test) call
 * `ensureBuild()` first: it runs `npm run build` only when a source is newer than the last build,
 * one test file at a time (a lock directory), so they test what the sources say.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const STAMP = path.join(ROOT, 'dist', '.built-at');
const LOCK = path.join(ROOT, 'dist', '.build-lock');
export const DIST = path.join(ROOT, 'dist');
const INPUTS = ['src', 'migrations', 'tsconfig.json', 'tsconfig.build.json', 'tsconfig.migrations.json', 'package.json'];

function newestMtime(entry: string): number {
  const stat = statSync(entry, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(entry).map((name) => newestMtime(path.join(entry, name))));
}

const mtime = (file: string) => statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0;
/** When dist/ was last built: our stamp, or tsc's own build info after `npm ci` / `npm run build`. */
const builtAt = () => Math.max(mtime(STAMP), Math.min(mtime(path.join(DIST, '.tsbuildinfo')), mtime(path.join(DIST, 'migrations', '.tsbuildinfo'))));
const upToDate = () => builtAt() >= Math.max(...INPUTS.map((i) => newestMtime(path.join(ROOT, i))));

async function lock(): Promise<void> {
  mkdirSync(path.dirname(LOCK), { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      return;
    } catch {
      // A lock left by a killed run is stale after two minutes.
      const age = Date.now() - (statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 120_000) rmSync(LOCK, { recursive: true, force: true });
      await sleep(200);
    }
  }
}

export async function ensureBuild(): Promise<void> {
  if (upToDate()) return;
  await lock();
  try {
    if (upToDate()) return;
    const started = Date.now();
    const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
    if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);
    // Stamped with the build's start: a source saved during the build makes the next call rebuild.
    writeFileSync(STAMP, new Date(started).toISOString());
    utimesSync(STAMP, new Date(started), new Date(started));
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

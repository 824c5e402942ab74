import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BROKER_NODE_FLAGS } from '../../src/cluster.js';

/** The Dockerfile's essentials and the compose file's variables, checked without a Docker engine. */
const ROOT = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

interface Stage {
  from: string;
  name: string | undefined;
  instructions: { keyword: string; args: string }[];
}

/** Dockerfile → stages of instructions (continuation lines joined, comments dropped). */
function parseDockerfile(text: string): Stage[] {
  const lines = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of lines) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    if (keyword.toUpperCase() === 'FROM') {
      const [image = '', as, name] = rest;
      stages.push({ from: image, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push({ keyword: keyword.toUpperCase(), args });
    }
  }
  return stages;
}

/** Every environment variable a source file reads (`env.NAME`, `process.env.NAME`, `envNumber('NAME')`). */
const variablesRead = (file: string) => new Set([...read(file).matchAll(/(?:env\.|envNumber\(')([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!));

describe('Dockerfile', () => {
  const stages = parseDockerfile(read('Dockerfile'));
  const runtime = stages.at(-1)!;
  const build = stages[0]!;
  const runtimeRuns = runtime.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
  const last = (keyword: string) => runtime.instructions.filter((i) => i.keyword === keyword).at(-1)?.args;

  it('builds in one stage and runs in another', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(build.instructions.some((i) => i.keyword === 'RUN' && /npm ci\b/.test(i.args))).toBe(true);
    expect(build.instructions.some((i) => i.keyword === 'RUN' && /npm run build\b/.test(i.args))).toBe(true);
  });

  it('carries no development dependencies, sources or compiler into the runtime stage', () => {
    const installs = runtimeRuns.filter((run) => /\bnpm (ci|install|i)\b/.test(run));
    expect(installs.length).toBeGreaterThan(0);
    for (const install of installs) expect(install).toMatch(/--omit=dev|--production/);
    const copies = runtime.instructions.filter((i) => i.keyword === 'COPY').map((i) => i.args);
    // node_modules from the build stage would bring TypeScript, tsx and esbuild along.
    expect(copies.filter((c) => /node_modules/.test(c))).toEqual([]);
    expect(copies.filter((c) => /(^|\s)(\.\/)?(src|test|tsconfig[\w.]*\.json)(\s|\/|$)/.test(c))).toEqual([]);
    expect(copies.some((c) => /--from=\S+\s+\S*\/dist\s/.test(`${c} `))).toBe(true);
  });

  it('runs node with the broker\'s node flags on the compiled server in exec form, as a non-root user, with an init and a health check', () => {
    const cmd = JSON.parse(last('CMD') ?? 'null') as string[];
    expect(cmd).toEqual(['node', ...BROKER_NODE_FLAGS, 'dist/server.js']);
    const start = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.start;
    expect(start).toBe(cmd.join(' '));
    const user = last('USER');
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user!.split(':')[0]);
    const entrypoint = JSON.parse(last('ENTRYPOINT') ?? 'null') as string[] | null;
    expect(entrypoint?.[0]).toMatch(/tini$/);
    expect(runtimeRuns.some((run) => /apt-get install .*\btini\b/.test(run))).toBe(true);
    expect(last('HEALTHCHECK')).toMatch(/\/healthz/);
  });
});

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml')) as { services: Record<string, { build?: unknown; command?: string[]; environment?: Record<string, unknown>; image?: string }> };
  const ours = Object.entries(compose.services).filter(([, service]) => service.build !== undefined);

  it('sets only variables the broker (src/config.ts) or the simulator reads', () => {
    const broker = variablesRead('src/config.ts');
    const simulator = variablesRead('src/simulator/main.ts');
    expect(ours.length).toBeGreaterThan(0);
    for (const [name, service] of ours) {
      const reads = service.command?.join(' ').includes('simulator') ? simulator : broker;
      for (const variable of Object.keys(service.environment ?? {})) expect(reads, `${name} sets ${variable}`).toContain(variable);
    }
  });

  it('runs compiled entry points', () => {
    for (const [, service] of ours) {
      if (!service.command) continue;
      expect(service.command[0]).toBe('node');
      expect(service.command[1]).toMatch(/^dist\/.*\.js$/);
      expect(readFileSync(path.join(ROOT, service.command[1]!.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts')), 'utf8')).toBeTruthy();
    }
  });

  it('every variable the broker reads is in the README configuration table', () => {
    const readme = read('README.md');
    const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1));
    const documented = new Set([...table.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]!));
    // `SPAPI_ENDPOINT_NA`, `_EU`, `_FE` share one row.
    for (const suffix of ['EU', 'FE']) if (documented.has('SPAPI_ENDPOINT_NA')) documented.add(`SPAPI_ENDPOINT_${suffix}`);
    for (const variable of variablesRead('src/config.ts')) expect(documented, variable).toContain(variable);
  });
});

describe('documented start commands', () => {
  it('every `node … dist/server.js` in the README and docs/ passes exactly the broker\'s node flags', () => {
    const pages = ['README.md', ...readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
    const commands = pages.flatMap((page) => [...read(page).matchAll(/\bnode((?: --[\w-]+(?:=\S+)?)+) dist\/server\.js/g)].map((m) => ({ page, flags: m[1]!.trim().split(' ') })));
    // The README's background start and docs/operations.md's (one and two instances).
    expect(commands.length).toBeGreaterThanOrEqual(3);
    for (const { page, flags } of commands) expect(flags, page).toEqual([...BROKER_NODE_FLAGS]);
  });
});

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Every citation resolves inside the repository: nothing cites the workspace documents that never
 * ship with it (the ../shared folder, its reference notes' "§B-9"-style sections, its contract),
 * every `docs/<page>.md#<section>` named anywhere is a heading of that page, and every relative
 * link of the README, SECURITY.md and docs/*.md leads to a file of the repository (and a heading
 * when it names one). Amazon's facts are cited as docs/amazon.md sections.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const SELF = path.relative(ROOT, import.meta.filename);
/** Not the project's text: installed packages, build output, local data, git's own files. */
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.data', 'coverage', '.git']);

function projectFiles(dir = ROOT): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) files.push(...projectFiles(full));
    } else if (entry.isFile() && !entry.name.endsWith('.log')) {
      files.push(path.relative(ROOT, full));
    }
  }
  return files;
}

/** The text files: anything without a NUL byte. */
const texts = new Map<string, string>();
for (const file of projectFiles()) {
  const bytes = readFileSync(path.join(ROOT, file));
  if (!bytes.includes(0)) texts.set(file, bytes.toString('utf8'));
}

interface Finding {
  file: string;
  line: number;
  text: string;
}

function findAll(pattern: RegExp, files: Iterable<string> = texts.keys()): Finding[] {
  const found: Finding[] = [];
  for (const file of files) {
    if (file === SELF) continue;
    const lines = texts.get(file)!.split('\n');
    lines.forEach((text, i) => {
      if (pattern.test(text)) found.push({ file, line: i + 1, text: text.trim() });
    });
  }
  return found;
}

/** Lines of a markdown document outside fenced code blocks, with their numbers. */
function proseLines(markdown: string): { line: number; text: string }[] {
  const lines: { line: number; text: string }[] = [];
  let fence: string | undefined;
  markdown.split('\n').forEach((text, i) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(text)?.[1];
    if (marker && (fence === undefined || marker.startsWith(fence))) {
      fence = fence === undefined ? marker : undefined;
      return;
    }
    if (fence === undefined) lines.push({ line: i + 1, text });
  });
  return lines;
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
function headingSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/<[^>]*>/g, '')
    .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors a markdown file offers: its headings' slugs (repeats numbered as GitHub does) and explicit ids. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text } of proseLines(markdown)) {
    const heading = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(text)?.[1];
    if (heading !== undefined) {
      const slug = headingSlug(heading);
      const n = seen.get(slug) ?? 0;
      seen.set(slug, n + 1);
      anchors.add(n === 0 ? slug : `${slug}-${n}`);
    }
    for (const [, id] of text.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(id!);
  }
  return anchors;
}

const anchorCache = new Map<string, Set<string>>();
function anchorsOfFile(file: string): Set<string> {
  let anchors = anchorCache.get(file);
  if (!anchors) {
    anchors = anchorsOf(readFileSync(path.join(ROOT, file), 'utf8'));
    anchorCache.set(file, anchors);
  }
  return anchors;
}

const MARKDOWN_PAGES = [...texts.keys()].filter((file) => file === 'README.md' || file === 'SECURITY.md' || /^docs\/[^/]+\.md$/.test(file));

describe('citations resolve inside the repository', () => {
  it.each([
    ['the workspace folder ../shared (or its spapi notes)', /\.\.\/shared\b|(?<![\w-])shared\/spapi\b/],
    ['the reference notes outside the repository (REFERENCE.md, "REFERENCE §…")', /\bREFERENCE\.md\b|\bREFERENCE(?:'s)?\s*§/],
    ['a lettered section of those notes ("§B-9", "§C.1", "§D-5", "§F-3")', /§\s?[A-F](?:[-.]\d|\b)/],
    ['the contract outside the repository (CONTRACT.md, "CONTRACT §…", "internal API §…")', /\bCONTRACT\.md\b|\bCONTRACT\s*§|\binternal API\s*§/i],
  ])('nothing cites %s', (_what, pattern) => {
    const found = findAll(pattern).map((f) => `${f.file}:${f.line}: ${f.text}`);
    expect(found, 'cite a section of docs/amazon.md (Amazon facts) or docs/api.md (the API) instead').toEqual([]);
  });

  it('every docs/<page>.md#<section> named in the repository is a heading of that page', () => {
    const citation = /(?<![\w/.-])((?:docs\/[\w-]+|README|SECURITY)\.md)#([\w-]+)/g;
    const broken: string[] = [];
    let amazonCitations = 0;
    for (const [file, text] of texts) {
      if (file === SELF) continue;
      text.split('\n').forEach((line, i) => {
        for (const [, page, anchor] of line.matchAll(citation)) {
          if (page === 'docs/amazon.md') amazonCitations += 1;
          if (!existsSync(path.join(ROOT, page!))) broken.push(`${file}:${i + 1}: ${page} does not exist`);
          else if (!anchorsOfFile(page!).has(anchor!)) broken.push(`${file}:${i + 1}: ${page} has no section #${anchor}`);
        }
      });
    }
    expect(broken).toEqual([]);
    // The code cites Amazon's behaviour there in dozens of places: a scan that finds few is broken.
    expect(amazonCitations).toBeGreaterThan(40);
  });

  it('every relative link of the README, SECURITY.md and docs/*.md leads to a file (and heading) of the repository', () => {
    expect(MARKDOWN_PAGES).toEqual(expect.arrayContaining(['README.md', 'docs/amazon.md', 'docs/api.md']));
    const broken: string[] = [];
    let links = 0;
    for (const page of MARKDOWN_PAGES) {
      for (const { line, text } of proseLines(texts.get(page)!)) {
        const prose = text.replace(/`[^`]*`/g, '');
        for (const [, target] of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
          if (/^[a-z][a-z0-9+.-]*:/i.test(target!)) continue;
          links += 1;
          const [file, anchor] = target!.split('#', 2) as [string, string | undefined];
          const resolved = file === '' ? page : path.relative(ROOT, path.resolve(ROOT, path.dirname(page), decodeURIComponent(file)));
          const where = `${page}:${line}: (${target})`;
          if (resolved.startsWith('..') || !existsSync(path.join(ROOT, resolved))) broken.push(`${where} leads outside the repository or to no file`);
          else if (anchor !== undefined && resolved.endsWith('.md') && statSync(path.join(ROOT, resolved)).isFile() && !anchorsOfFile(resolved).has(anchor)) {
            broken.push(`${where}: ${resolved} has no section #${anchor}`);
          }
        }
      }
    }
    expect(broken).toEqual([]);
    expect(links).toBeGreaterThan(10);
  });

  it('computes anchors as GitHub does', () => {
    expect(headingSlug('A+ Content')).toBe('a-content');
    expect(headingSlug('LWA and authorization')).toBe('lwa-and-authorization');
    expect(headingSlug('Reports (analytics.fetch, account_health.fetch)')).toBe('reports-analyticsfetch-account_healthfetch');
    expect(headingSlug('Image URLs (`src/writes/image-url-rules.ts`)')).toBe('image-urls-srcwritesimage-url-rulests');
    expect([...anchorsOf('# T\n## Feeds\n```\n## Not a heading\n```\n## Feeds\n<a id="x"></a>\n')]).toEqual(['t', 'feeds', 'feeds-1', 'x']);
  });
});

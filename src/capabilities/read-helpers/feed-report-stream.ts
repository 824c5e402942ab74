import { isBrokerError } from '../../errors.js';
import { decodedChunks } from './document-text.js';
import { MAX_FEED_ISSUES, summarizeJson, summarizeXmlParts, xmlIssue, type FeedIssue, type FeedReportSummary } from './feed-report.js';
import { streamJsonObject, type RowKeeper } from './json-stream.js';
import { record, str } from './json.js';
import { firstRows } from './row-keepers.js';

/**
 * A feed's processing report summarised as it streams (the same summary as summarizeFeedReport),
 * never holding the document: a big feed's report lists an issue per message. Of the issues only
 * the first MAX_FEED_ISSUES of each severity are kept — enough for the errors-first answer.
 */
const MAX_OUTSIDE_CHARS = 64 * 1024;
const MAX_RESULT_CHARS = 1024 * 1024;

function perSeverity(severityOf: (issue: unknown) => string): RowKeeper {
  const kept = new Map<string, unknown[]>();
  const order: unknown[] = [];
  return {
    add(issue) {
      const severity = severityOf(issue);
      const list = kept.get(severity) ?? [];
      if (list.length >= MAX_FEED_ISSUES) return;
      list.push(issue);
      kept.set(severity, list);
      order.push(issue);
    },
    rows: () => order,
  };
}

/** `first`, then the rest of the text; `head` records the first 1,000 characters for an excerpt. */
async function* prepend(first: string, rest: AsyncIterator<string | Uint8Array>, head = { text: '' }): AsyncGenerator<string> {
  head.text = first.slice(0, 1000);
  yield first;
  for (let next = await rest.next(); !next.done; next = await rest.next()) {
    if (head.text.length < 1000) head.text += String(next.value).slice(0, 1000 - head.text.length);
    yield String(next.value);
  }
}

async function summarizeXmlStream(text: AsyncIterable<string>): Promise<FeedReportSummary> {
  let buffer = '';
  let outside = '';
  const issues: FeedIssue[] = [];
  const counts = { total: 0, errors: 0 };
  const keeper = perSeverity((issue) => (issue as FeedIssue).severity);
  const drain = () => {
    for (;;) {
      const open = buffer.indexOf('<Result>');
      const keep = open < 0 ? Math.max(0, buffer.length - '<Result>'.length) : open;
      if (outside.length < MAX_OUTSIDE_CHARS) outside += buffer.slice(0, keep);
      buffer = buffer.slice(keep);
      if (open < 0) return;
      const close = buffer.indexOf('</Result>');
      if (close < 0) {
        if (buffer.length > MAX_RESULT_CHARS) buffer = ''; // not a result Amazon writes: skip it
        return;
      }
      const issue = xmlIssue(buffer.slice('<Result>'.length, close));
      counts.total += 1;
      if (issue.severity === 'ERROR') counts.errors += 1;
      keeper.add(issue);
      buffer = buffer.slice(close + '</Result>'.length);
    }
  };
  for await (const chunk of text) {
    buffer += chunk;
    drain();
  }
  outside += buffer;
  issues.push(...(keeper.rows() as FeedIssue[]));
  return summarizeXmlParts(outside, issues, counts);
}

/** The summary of a streamed processing report: JSON_LISTINGS_FEED JSON, the older XML, or an excerpt of text. */
export async function summarizeFeedReportStream(chunks: AsyncIterable<Buffer>, charset: string | undefined): Promise<FeedReportSummary> {
  const text = decodedChunks(chunks, { charset, asText: true })[Symbol.asyncIterator]();
  const readWhile = async (text0: string, more: (sofar: string) => boolean) => {
    let sofar = text0;
    while (more(sofar)) {
      const next = await text.next();
      if (next.done) break;
      sofar += String(next.value);
    }
    return sofar;
  };
  const trimmed = (await readWhile('', (sofar) => sofar.trimStart() === '')).trimStart();
  const excerpt = async () => {
    const head = await readWhile(trimmed, (sofar) => sofar.length < 1000);
    await text.return?.(undefined);
    return { format: 'text' as const, issues: [], issues_total: 0, excerpt: head.slice(0, 1000) };
  };
  if (trimmed.startsWith('{')) {
    const severityOf = (issue: unknown) => str(record(issue).severity) ?? 'ERROR';
    const head = { text: '' };
    try {
      const { document, totals } = await streamJsonObject(prepend(trimmed, text, head), (field) => (field === 'issues' ? perSeverity(severityOf) : firstRows(MAX_FEED_ISSUES)));
      return summarizeJson(document, totals.issues ?? 0);
    } catch (error) {
      if (isBrokerError(error)) throw error;
      return { format: 'text', issues: [], issues_total: 0, excerpt: head.text }; // not JSON after all
    }
  }
  if (trimmed.startsWith('<')) return summarizeXmlStream(prepend(trimmed, text));
  return excerpt();
}

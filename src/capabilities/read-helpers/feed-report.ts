import Type from 'typebox';
import { compact, isRecord, num, record, records, str, type Json } from './json.js';

/**
 * A feed's processing report, summarised: counts and the first issues. JSON_LISTINGS_FEED reports
 * follow listings-feed-processing-report-schema-v2.json; the older feed types answer Amazon's XML
 * ProcessingReport. Issues are ordered ERROR, WARNING, INFO (stable), so errors are never hidden
 * behind a run of warnings.
 */
export const MAX_FEED_ISSUES = 10;

export interface FeedIssue {
  message_id?: number;
  sku?: string;
  code?: string;
  severity: string;
  message: string;
  attribute_name?: string;
}

export interface FeedReportSummary {
  format: 'json' | 'xml' | 'text';
  messages_processed?: number;
  messages_accepted?: number;
  messages_invalid?: number;
  errors?: number;
  warnings?: number;
  item_summary?: { items?: number; errors?: number; warnings?: number };
  issues: FeedIssue[];
  issues_total: number;
  excerpt?: string;
}

export const FeedReportSummarySchema = Type.Object({
  format: Type.Enum(['json', 'xml', 'text']),
  messages_processed: Type.Optional(Type.Integer()),
  messages_accepted: Type.Optional(Type.Integer()),
  messages_invalid: Type.Optional(Type.Integer()),
  errors: Type.Optional(Type.Integer()),
  warnings: Type.Optional(Type.Integer()),
  item_summary: Type.Optional(Type.Object({ items: Type.Optional(Type.Integer()), errors: Type.Optional(Type.Integer()), warnings: Type.Optional(Type.Integer()) })),
  issues: Type.Array(
    Type.Object({
      message_id: Type.Optional(Type.Integer()),
      sku: Type.Optional(Type.String()),
      code: Type.Optional(Type.String()),
      severity: Type.String(),
      message: Type.String(),
      attribute_name: Type.Optional(Type.String()),
    }),
    { description: `The first ${MAX_FEED_ISSUES} issues, errors first.` },
  ),
  issues_total: Type.Integer(),
  excerpt: Type.Optional(Type.String()),
});

const SEVERITY_ORDER: Record<string, number> = { ERROR: 0, WARNING: 1, INFO: 2 };

function firstIssues(issues: FeedIssue[]): FeedIssue[] {
  return issues
    .map((issue, index) => ({ issue, index }))
    .sort((a, b) => (SEVERITY_ORDER[a.issue.severity] ?? 3) - (SEVERITY_ORDER[b.issue.severity] ?? 3) || a.index - b.index)
    .slice(0, MAX_FEED_ISSUES)
    .map(({ issue }) => issue);
}

/** A JSON processing report; `issuesTotal` when `report.issues` holds only the issues kept while streaming. */
export function summarizeJson(report: Json, issuesTotal?: number): FeedReportSummary {
  const summary = record(report.summary);
  const issues = records(report.issues).map((i) =>
    compact({
      message_id: num(i.messageId),
      sku: str(i.sku),
      code: str(i.code),
      severity: str(i.severity) ?? 'ERROR',
      message: str(i.message) ?? '',
      attribute_name: str(i.attributeName),
    }),
  );
  const itemSummary = isRecord(summary.itemSummary) ? summary.itemSummary : undefined;
  return compact({
    format: 'json' as const,
    messages_processed: num(summary.messagesProcessed),
    messages_accepted: num(summary.messagesAccepted),
    messages_invalid: num(summary.messagesInvalid),
    errors: num(summary.errors),
    warnings: num(summary.warnings),
    item_summary: itemSummary ? compact({ items: num(itemSummary.items), errors: num(itemSummary.errors), warnings: num(itemSummary.warnings) }) : undefined,
    issues: firstIssues(issues),
    issues_total: issuesTotal ?? issues.length,
  });
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const unescapeXml = (text: string) => text.replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => ENTITIES[name] ?? '');

const tag = (xml: string, name: string) => {
  const m = new RegExp(`<${name}>\\s*([^<]*?)\\s*</${name}>`).exec(xml);
  return m?.[1] === undefined ? undefined : unescapeXml(m[1]);
};

/** One `<Result>` element's content as an issue. */
export function xmlIssue(result: string): FeedIssue {
  return compact({
    message_id: num(tag(result, 'MessageID')),
    sku: tag(result, 'SKU'),
    code: tag(result, 'ResultMessageCode'),
    severity: (tag(result, 'ResultCode') ?? 'Error').toUpperCase(),
    message: tag(result, 'ResultDescription') ?? '',
  });
}

/** An XML ProcessingReport from its text outside the `<Result>` elements (the summary) and its issues. */
export function summarizeXmlParts(outside: string, issues: FeedIssue[], counts: { total: number; errors: number }): FeedReportSummary {
  return compact({
    format: 'xml' as const,
    messages_processed: num(tag(outside, 'MessagesProcessed')),
    messages_accepted: num(tag(outside, 'MessagesSuccessful')),
    messages_invalid: num(tag(outside, 'MessagesWithError')),
    errors: counts.errors,
    warnings: num(tag(outside, 'MessagesWithWarning')),
    issues: firstIssues(issues),
    issues_total: counts.total,
  });
}

function summarizeXml(xml: string): FeedReportSummary {
  const issues = [...xml.matchAll(/<Result>([\s\S]*?)<\/Result>/g)].map((m) => xmlIssue(m[1] ?? ''));
  return summarizeXmlParts(xml.replace(/<Result>[\s\S]*?<\/Result>/g, ''), issues, { total: issues.length, errors: issues.filter((i) => i.severity === 'ERROR').length });
}

export function summarizeFeedReport(text: string): FeedReportSummary {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    try {
      const parsed = JSON.parse(trimmed) as unknown;
      if (isRecord(parsed)) return summarizeJson(parsed);
    } catch {
      // not JSON after all: fall through
    }
  }
  if (trimmed.startsWith('<')) return summarizeXml(trimmed);
  return { format: 'text', issues: [], issues_total: 0, excerpt: trimmed.slice(0, 1000) };
}

import { BrokerError } from '../../errors.js';
import type { Json } from '../read-helpers/json.js';
import type { Ctx } from './amazon.js';

/**
 * A finished report's answer, kept an hour per seller, report and report type: a repeat, a resume
 * or a reuse by another order then costs no getReportDocument (one call a minute per seller).
 * FATAL is kept too, so its error document is fetched once.
 */
export type ReportAnswer = Json & { status: 'DONE' | 'IN_PROGRESS'; report_id: string };
export type CachedResult = { kind: 'answer'; answer: ReportAnswer } | { kind: 'fatal'; message: string; details: Json };

const RESULT_TTL_MS = 60 * 60_000;
const MAX_CACHED_CHARS = 2_000_000;

const resultKey = (ctx: Ctx, reportId: string, reportType: string) =>
  `reports:result:${ctx.connection.region}:${ctx.connection.sellingPartnerId}:${reportId}:${reportType}`;

export async function readResult(ctx: Ctx, reportId: string, reportType: string): Promise<CachedResult | undefined> {
  const text = await ctx.services.store.get(resultKey(ctx, reportId, reportType)).catch(() => null);
  if (!text) return undefined;
  try {
    return JSON.parse(text) as CachedResult;
  } catch {
    return undefined;
  }
}

export async function writeResult(ctx: Ctx, reportId: string, reportType: string, value: CachedResult): Promise<void> {
  const text = JSON.stringify(value);
  if (text.length <= MAX_CACHED_CHARS) await ctx.services.store.set(resultKey(ctx, reportId, reportType), text, RESULT_TTL_MS).catch(() => {});
}

export function answerFrom(cached: CachedResult): ReportAnswer {
  if (cached.kind === 'fatal') throw new BrokerError('SP_API_ERROR', cached.message, { details: cached.details });
  return cached.answer;
}

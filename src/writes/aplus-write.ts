import type { DiffEntry, ValidationIssue } from '../capabilities/types.js';
import { BrokerError, isBrokerError } from '../errors.js';
import { encodePathSegment } from '../spapi/types.js';
import { amazonIssues, countryOf, type WriteContext } from './staged.js';

/**
 * A+ Content API 2020-11-01 sequences (REFERENCE §B-12). Stage asks Amazon to validate the document
 * (validateContentDocumentAsinRelations persists nothing). Apply: validate (when ASINs are given) →
 * createContentDocument → postContentDocumentAsinRelations (when ASINs are given) →
 * postContentDocumentApprovalSubmission. Amazon then reviews the document (APPROVED / REJECTED).
 */
export interface AplusParams {
  content_document: { name: string; content_type: string; locale: string; content_module_list: Record<string, unknown>[] };
  asins?: string[] | undefined;
}

interface AmazonAnswer {
  warnings?: unknown[];
  errors?: unknown[];
  contentReferenceKey?: string;
}

/** Amazon's ContentDocument from the snake_case params. */
export const contentDocument = (params: AplusParams) => ({
  name: params.content_document.name,
  contentType: params.content_document.content_type,
  locale: params.content_document.locale,
  contentModuleList: params.content_document.content_module_list,
});

async function validate(ctx: WriteContext<unknown>, params: AplusParams): Promise<AmazonAnswer> {
  const { body } = await ctx.amazon.call<AmazonAnswer>({
    operation: 'validateContentDocumentAsinRelations',
    method: 'POST',
    path: '/aplus/2020-11-01/contentAsinValidations',
    query: { marketplaceId: ctx.marketplace.id, asinSet: params.asins },
    body: { contentDocument: contentDocument(params) },
  });
  return body;
}

export async function stageAplus(ctx: WriteContext<unknown>, params: AplusParams) {
  const answer = await validate(ctx, params);
  const issues: ValidationIssue[] = [...amazonIssues(answer.errors, 'ERROR'), ...amazonIssues(answer.warnings, 'WARNING')];
  const modules = params.content_document.content_module_list.map((m) => String(m.contentModuleType));
  const asins = params.asins ?? [];
  const diffPreview: DiffEntry[] = [
    {
      path: '/aplus/content_document',
      before: null,
      after: { name: params.content_document.name, content_type: params.content_document.content_type, locale: params.content_document.locale, modules },
    },
    { path: '/aplus/content_document/asins', before: [], after: asins },
  ];
  const forAsins = asins.length > 0 ? ` for ASIN(s) ${asins.join(', ')}` : ' (not related to any ASIN yet)';
  return {
    summary: `Create a new A+ content document "${params.content_document.name}" (${params.content_document.content_type}, ${params.content_document.locale}, ${modules.length} module(s): ${modules.join(', ')})${forAsins} in ${countryOf(ctx)} and submit it for Amazon's approval. Amazon's validation: ${answer.errors?.length ? `${answer.errors.length} error(s)` : 'passed'}.`,
    diffPreview,
    issues,
  };
}

export async function applyAplus(ctx: WriteContext<unknown>, params: AplusParams) {
  const asins = params.asins ?? [];
  const warnings: unknown[] = [];
  const query = { marketplaceId: ctx.marketplace.id };
  if (asins.length > 0) {
    const answer = await validate(ctx, params);
    warnings.push(...(answer.warnings ?? []));
    if (answer.errors && answer.errors.length > 0) {
      throw new BrokerError('SP_API_ERROR', `Amazon's validation refused the A+ document: ${JSON.stringify(answer.errors).slice(0, 300)}`, {
        details: { status: 200, errors: answer.errors },
      });
    }
  }
  const { body: created } = await ctx.amazon.call<AmazonAnswer>({
    operation: 'createContentDocument',
    method: 'POST',
    path: '/aplus/2020-11-01/contentDocuments',
    query,
    body: { contentDocument: contentDocument(params) },
  });
  const key = created.contentReferenceKey;
  if (!key) throw new BrokerError('SP_API_ERROR', 'Amazon answered createContentDocument without a contentReferenceKey', { details: { status: 200, errors: [] } });
  warnings.push(...(created.warnings ?? []));
  const base = `/aplus/2020-11-01/contentDocuments/${encodePathSegment(key)}`;
  try {
    if (asins.length > 0) {
      const { body } = await ctx.amazon.call<AmazonAnswer>({ operation: 'postContentDocumentAsinRelations', method: 'POST', path: `${base}/asins`, query, body: { asinSet: asins } });
      warnings.push(...(body.warnings ?? []));
    }
    const { body } = await ctx.amazon.call<AmazonAnswer>({ operation: 'postContentDocumentApprovalSubmission', method: 'POST', path: `${base}/approvalSubmissions`, query });
    warnings.push(...(body.warnings ?? []));
  } catch (error) {
    // The draft exists at Amazon: say so, so the buyer can finish it in Seller Central instead of creating another.
    if (!isBrokerError(error)) throw error;
    throw new BrokerError(error.code, `${error.message} (the A+ document ${key} was created as a draft but not submitted for approval)`, {
      httpStatus: error.httpStatus,
      details: { ...error.details, content_reference_key: key },
      ...(error.retryAfterS === undefined ? {} : { retryAfterS: error.retryAfterS }),
    });
  }
  return { content_reference_key: key, warnings };
}

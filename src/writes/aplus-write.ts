import { AmazonRejection, type DiffEntry, type ValidationIssue } from '../capabilities/types.js';
import { BrokerError, isBrokerError, retold } from '../errors.js';
import { encodePathSegment } from '../spapi/types.js';
import { hasImages, uploadAplusImages } from './aplus-images.js';
import { amazonIssues, refuseAmazonErrors } from './amazon-validation.js';
import { countryOf, type WriteContext } from './write-context.js';

/**
 * A+ Content API 2020-11-01 sequences (docs/amazon.md#a-content). Stage asks Amazon to validate the
 * document (validateContentDocumentAsinRelations persists nothing); errors there refuse the write. A
 * document with images cannot be validated before its images are uploaded, which happens at apply
 * only.
 * Apply: images (fetch → createUploadDestinationForResource → upload) → validate (when images or
 * ASINs are given; errors are REJECTED_BY_AMAZON, nothing created) → createContentDocument →
 * postContentDocumentAsinRelations (when ASINs are given) → postContentDocumentApprovalSubmission.
 * Amazon then reviews the document (APPROVED / REJECTED).
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

const MODULES_FIELD = 'params.content_document.content_module_list';

/** Amazon's ContentDocument from the snake_case params (with the images' issued ids, at apply). */
export const contentDocument = (params: AplusParams, modules = params.content_document.content_module_list) => ({
  name: params.content_document.name,
  contentType: params.content_document.content_type,
  locale: params.content_document.locale,
  contentModuleList: modules,
});

async function validate(ctx: WriteContext<unknown>, params: AplusParams, document: ReturnType<typeof contentDocument>): Promise<AmazonAnswer> {
  const { body } = await ctx.amazon.call<AmazonAnswer>({
    operation: 'validateContentDocumentAsinRelations',
    method: 'POST',
    path: '/aplus/2020-11-01/contentAsinValidations',
    query: { marketplaceId: ctx.marketplace.id, asinSet: params.asins },
    body: { contentDocument: document },
  });
  return body;
}

export async function stageAplus(ctx: WriteContext<unknown>, params: AplusParams) {
  const withImages = hasImages(params.content_document.content_module_list);
  const answer: AmazonAnswer = withImages ? {} : await validate(ctx, params, contentDocument(params));
  refuseAmazonErrors(MODULES_FIELD, "Amazon's validation refused the A+ document", answer.errors ?? []);
  const issues: ValidationIssue[] = amazonIssues(answer.warnings, 'WARNING');
  if (withImages) {
    issues.push({
      code: 'APLUS_VALIDATED_AT_APPLY',
      message: "Amazon validates the document once its images are uploaded, which the broker does when the buyer confirms; if Amazon refuses it then, nothing is created and the answer is REJECTED_BY_AMAZON",
      severity: 'INFO',
    });
  }
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
    summary: `Create a new A+ content document "${params.content_document.name}" (${params.content_document.content_type}, ${params.content_document.locale}, ${modules.length} module(s): ${modules.join(', ')})${forAsins} in ${countryOf(ctx)} and submit it for Amazon's approval. Amazon's validation: ${withImages ? 'when the images are uploaded, at apply' : 'passed'}.`,
    diffPreview,
    issues,
  };
}

export async function applyAplus(ctx: WriteContext<unknown>, params: AplusParams) {
  const asins = params.asins ?? [];
  const warnings: unknown[] = [];
  const query = { marketplaceId: ctx.marketplace.id };
  const withImages = hasImages(params.content_document.content_module_list);
  const modules = withImages ? await uploadAplusImages(ctx, params.content_document.content_module_list, MODULES_FIELD) : params.content_document.content_module_list;
  const document = contentDocument(params, modules);
  if (asins.length > 0 || withImages) {
    const answer = await validate(ctx, params, document);
    warnings.push(...(answer.warnings ?? []));
    // Amazon refused the document: nothing was created (uploads and validations change nothing live).
    if (answer.errors && answer.errors.length > 0) return new AmazonRejection({ errors: answer.errors, warnings });
  }
  const { body: created } = await ctx.amazon.call<AmazonAnswer>({
    operation: 'createContentDocument',
    method: 'POST',
    path: '/aplus/2020-11-01/contentDocuments',
    query,
    body: { contentDocument: document },
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
    throw retold(error, `${error.message} (the A+ document ${key} was created as a draft but not submitted for approval)`, { ...error.details, content_reference_key: key });
  }
  return { content_reference_key: key, warnings };
}

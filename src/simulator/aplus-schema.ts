/**
 * Structural validation of an A+ `ContentDocument`, with the limits of the aplusContent 2020-11-01
 * model (docs/amazon.md#a-content): name 1–100, locale `^[a-z]{2,}-[A-Z0-9]{2,}$`, 1–100 modules,
 * each module carrying the object that matches its contentModuleType, text ≤ 10,000, alt text ≤ 100, …
 * A small JSON-Schema subset walker keeps the runtime free of a validator dependency.
 */
type S = {
  type?: 'object' | 'array' | 'string' | 'integer' | 'boolean';
  ref?: string;
  required?: string[];
  props?: Record<string, S>;
  items?: S;
  min?: number;
  max?: number;
  enum?: string[];
  pattern?: RegExp;
};

const str = (min?: number, max?: number, extra: Partial<S> = {}): S => ({ type: 'string', min, max, ...extra });
const int = (min?: number, max?: number): S => ({ type: 'integer', min, max });
const ref = (name: string): S => ({ ref: name });
const arr = (items: S, min?: number, max?: number): S => ({ type: 'array', items, min, max });
const obj = (props: Record<string, S>, required: string[] = []): S => ({ type: 'object', props, required });

export const MODULE_PROPERTY: Record<string, string> = {
  STANDARD_COMPANY_LOGO: 'standardCompanyLogo',
  STANDARD_COMPARISON_TABLE: 'standardComparisonTable',
  STANDARD_FOUR_IMAGE_TEXT: 'standardFourImageText',
  STANDARD_FOUR_IMAGE_TEXT_QUADRANT: 'standardFourImageTextQuadrant',
  STANDARD_HEADER_IMAGE_TEXT: 'standardHeaderImageText',
  STANDARD_IMAGE_SIDEBAR: 'standardImageSidebar',
  STANDARD_IMAGE_TEXT_OVERLAY: 'standardImageTextOverlay',
  STANDARD_MULTIPLE_IMAGE_TEXT: 'standardMultipleImageText',
  STANDARD_PRODUCT_DESCRIPTION: 'standardProductDescription',
  STANDARD_SINGLE_IMAGE_HIGHLIGHTS: 'standardSingleImageHighlights',
  STANDARD_SINGLE_IMAGE_SPECS_DETAIL: 'standardSingleImageSpecsDetail',
  STANDARD_SINGLE_SIDE_IMAGE: 'standardSingleSideImage',
  STANDARD_TECH_SPECS: 'standardTechSpecs',
  STANDARD_TEXT: 'standardText',
  STANDARD_THREE_IMAGE_TEXT: 'standardThreeImageText',
};

const IWU = obj({ value: int(), units: str() }, ['units', 'value']);
const block = obj({ image: ref('Image'), headline: ref('Text'), body: ref('Paragraph') });

const DEFS: Record<string, S> = {
  Text: obj(
    {
      value: str(1, 10_000),
      decoratorSet: arr(
        obj({
          type: { type: 'string', enum: ['LIST_ITEM', 'LIST_ORDERED', 'LIST_UNORDERED', 'STYLE_BOLD', 'STYLE_ITALIC', 'STYLE_LINEBREAK', 'STYLE_PARAGRAPH', 'STYLE_UNDERLINE'] },
          offset: int(0, 10_000),
          length: int(0, 10_000),
          depth: int(0, 100),
        }),
      ),
    },
    ['value'],
  ),
  Paragraph: obj({ textList: arr(ref('Text'), 1, 100) }, ['textList']),
  Image: obj(
    {
      uploadDestinationId: str(1),
      imageCropSpecification: obj({ size: obj({ width: IWU, height: IWU }, ['height', 'width']), offset: obj({ x: IWU, y: IWU }, ['x', 'y']) }, ['size']),
      altText: str(1, 100),
    },
    ['altText', 'imageCropSpecification', 'uploadDestinationId'],
  ),
  TextItem: obj({ position: int(1, 100), text: ref('Text') }, ['position', 'text']),
  PlainTextItem: obj({ position: int(1, 100), value: str(1, 250) }, ['position', 'value']),
  TextList: obj({ textList: arr(ref('TextItem'), 0, 8) }, ['textList']),
  HeaderTextList: obj({ headline: ref('Text'), block: ref('TextList') }),
  TextBlock: obj({ headline: ref('Text'), body: ref('Paragraph') }),
  ImageTextBlock: block,
};

const MODULES: Record<string, S> = {
  standardCompanyLogo: obj({ companyLogo: ref('Image') }, ['companyLogo']),
  standardComparisonTable: obj({
    productColumns: arr(
      obj({ position: int(1, 6), image: ref('Image'), title: str(1, 80), asin: str(10), highlight: { type: 'boolean' }, metrics: arr(ref('PlainTextItem'), 0, 10) }, ['position']),
      0,
      6,
    ),
    metricRowLabels: arr(ref('PlainTextItem'), 0, 10),
  }),
  standardFourImageText: obj({ headline: ref('Text'), block1: ref('ImageTextBlock'), block2: ref('ImageTextBlock'), block3: ref('ImageTextBlock'), block4: ref('ImageTextBlock') }),
  standardFourImageTextQuadrant: obj(
    { block1: ref('ImageTextBlock'), block2: ref('ImageTextBlock'), block3: ref('ImageTextBlock'), block4: ref('ImageTextBlock') },
    ['block1', 'block2', 'block3', 'block4'],
  ),
  standardHeaderImageText: obj({ headline: ref('Text'), block: ref('ImageTextBlock') }),
  standardImageSidebar: obj({
    headline: ref('Text'),
    imageCaptionBlock: obj({ image: ref('Image'), caption: ref('Text') }),
    descriptionTextBlock: ref('TextBlock'),
    descriptionListBlock: ref('TextList'),
    sidebarImageTextBlock: ref('ImageTextBlock'),
    sidebarListBlock: ref('TextList'),
  }),
  standardImageTextOverlay: obj({ overlayColorType: { type: 'string', enum: ['DARK', 'LIGHT'] }, block: ref('ImageTextBlock') }, ['overlayColorType']),
  standardMultipleImageText: obj({ blocks: arr(obj({ block: ref('ImageTextBlock'), caption: ref('Text') })) }),
  standardProductDescription: obj({ body: ref('Paragraph') }, ['body']),
  standardSingleImageHighlights: obj({
    image: ref('Image'),
    headline: ref('Text'),
    textBlock1: ref('TextBlock'),
    textBlock2: ref('TextBlock'),
    textBlock3: ref('TextBlock'),
    bulletedListBlock: ref('HeaderTextList'),
  }),
  standardSingleImageSpecsDetail: obj({
    headline: ref('Text'),
    image: ref('Image'),
    descriptionHeadline: ref('Text'),
    descriptionBlock1: ref('TextBlock'),
    descriptionBlock2: ref('TextBlock'),
    specificationHeadline: ref('Text'),
    specificationListBlock: ref('HeaderTextList'),
    specificationTextBlock: ref('TextBlock'),
  }),
  standardSingleSideImage: obj({ imagePositionType: { type: 'string', enum: ['LEFT', 'RIGHT'] }, block: ref('ImageTextBlock') }, ['imagePositionType']),
  standardTechSpecs: obj({ headline: ref('Text'), specificationList: arr(obj({ label: ref('Text'), description: ref('Text') }), 4, 16), tableCount: int(1, 2) }, ['specificationList']),
  standardText: obj({ headline: ref('Text'), body: ref('Paragraph') }, ['body']),
  standardThreeImageText: obj({ headline: ref('Text'), block1: ref('ImageTextBlock'), block2: ref('ImageTextBlock'), block3: ref('ImageTextBlock') }),
};

function walk(s: S, v: unknown, path: string, out: string[]): void {
  if (s.ref) return walk(DEFS[s.ref] as S, v, path, out);
  switch (s.type) {
    case 'object': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return void out.push(`${path} must be an object.`);
      const o = v as Record<string, unknown>;
      for (const r of s.required ?? []) if (o[r] === undefined) out.push(`${path}.${r} is required.`);
      for (const [k, sub] of Object.entries(s.props ?? {})) if (o[k] !== undefined) walk(sub, o[k], `${path}.${k}`, out);
      return;
    }
    case 'array':
      if (!Array.isArray(v)) return void out.push(`${path} must be an array.`);
      if (s.min !== undefined && v.length < s.min) out.push(`${path} must contain at least ${s.min} item(s).`);
      if (s.max !== undefined && v.length > s.max) out.push(`${path} must contain at most ${s.max} item(s).`);
      v.forEach((x, i) => walk(s.items as S, x, `${path}[${i}]`, out));
      return;
    case 'string':
      if (typeof v !== 'string') return void out.push(`${path} must be a string.`);
      if (s.min !== undefined && v.length < s.min) out.push(`${path} must be at least ${s.min} character(s) long.`);
      if (s.max !== undefined && v.length > s.max) out.push(`${path} must be at most ${s.max} characters long.`);
      if (s.enum && !s.enum.includes(v)) out.push(`${path} must be one of ${s.enum.join(', ')}.`);
      if (s.pattern && !s.pattern.test(v)) out.push(`${path} must match ${s.pattern.source}.`);
      return;
    case 'integer':
      if (!Number.isInteger(v)) return void out.push(`${path} must be an integer.`);
      if (s.min !== undefined && (v as number) < s.min) out.push(`${path} must be at least ${s.min}.`);
      if (s.max !== undefined && (v as number) > s.max) out.push(`${path} must be at most ${s.max}.`);
      return;
    case 'boolean':
      if (typeof v !== 'boolean') out.push(`${path} must be a boolean.`);
      return;
  }
}

/** Violations of the ContentDocument model; empty when valid. */
export function contentDocumentErrors(doc: unknown): string[] {
  const out: string[] = [];
  const top = obj(
    {
      name: str(1, 100),
      contentType: { type: 'string', enum: ['EBC', 'EMC'] },
      contentSubType: str(1),
      locale: str(5, undefined, { pattern: /^[a-z]{2,}-[A-Z0-9]{2,}$/ }),
      contentModuleList: arr(obj({ contentModuleType: { type: 'string', enum: Object.keys(MODULE_PROPERTY) } }, ['contentModuleType']), 1, 100),
    },
    ['contentModuleList', 'contentType', 'locale', 'name'],
  );
  walk(top, doc, 'contentDocument', out);
  const list = (doc as { contentModuleList?: unknown })?.contentModuleList;
  if (Array.isArray(list)) {
    list.forEach((m, i) => {
      const mod = m as Record<string, unknown>;
      const prop = MODULE_PROPERTY[String(mod?.contentModuleType)];
      if (!prop) return;
      const path = `contentDocument.contentModuleList[${i}]`;
      if (mod[prop] === undefined) out.push(`${path}.${prop} is required for contentModuleType ${String(mod.contentModuleType)}.`);
      else walk(MODULES[prop] as S, mod[prop], `${path}.${prop}`, out);
      for (const other of Object.values(MODULE_PROPERTY)) {
        if (other !== prop && mod[other] !== undefined) out.push(`${path}.${other} does not match contentModuleType ${String(mod.contentModuleType)}.`);
      }
    });
  }
  return out;
}

/** Every text value of a document (for content-policy checks). */
export function documentTexts(doc: unknown): string[] {
  const out: string[] = [];
  const visit = (v: unknown, key?: string) => {
    if (typeof v === 'string') {
      if (key === 'value' || key === 'altText' || key === 'title') out.push(v);
    } else if (Array.isArray(v)) v.forEach((x) => visit(x));
    else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) visit(x, k);
  };
  visit(doc);
  return out;
}

import Type, { type TSchema } from 'typebox';
import { Compile } from 'typebox/compile';

/**
 * The A+ Content module structure of Amazon's aplusContent 2020-11-01 model
 * (docs/amazon.md#a-content), as TypeBox schemas: required sub-objects per module, text limits (text 1–10,000, plain text
 * 1–250, alt text 1–100, comparison title ≤ 80), list limits (paragraph 1–100 texts, text list ≤ 8,
 * comparison ≤ 6 columns and ≤ 10 metrics, tech specs 4–16 rows, 1–2 tables).
 * Unknown fields are refused by name (the model has none that the broker would pass on silently).
 */
const strict = { additionalProperties: false } as const;
const Int = (min?: number, max?: number) => Type.Integer({ ...(min === undefined ? {} : { minimum: min }), ...(max === undefined ? {} : { maximum: max }) });
const opt = <T extends TSchema>(schema: T) => Type.Optional(schema);

const Decorator = Type.Object(
  {
    type: opt(Type.Union(['LIST_ITEM', 'LIST_ORDERED', 'LIST_UNORDERED', 'STYLE_BOLD', 'STYLE_ITALIC', 'STYLE_LINEBREAK', 'STYLE_PARAGRAPH', 'STYLE_UNDERLINE'].map((t) => Type.Literal(t)))),
    offset: opt(Int(0, 10_000)),
    length: opt(Int(0, 10_000)),
    depth: opt(Int(0, 100)),
  },
  strict,
);
const Text = Type.Object({ value: Type.String({ minLength: 1, maxLength: 10_000 }), decoratorSet: opt(Type.Array(Decorator)) }, strict);
const Paragraph = Type.Object({ textList: Type.Array(Text, { minItems: 1, maxItems: 100 }) }, strict);
const WithUnits = Type.Object({ value: Type.Integer(), units: Type.String({ minLength: 1 }) }, strict);
const Image = Type.Object(
  {
    image_url: Type.String({
      minLength: 1,
      maxLength: 2048,
      description: 'https URL of a JPEG, PNG or TIFF (at most 3 MiB). At apply the broker fetches it and uploads it through Amazon\'s Uploads API; Amazon\'s uploadDestinationId is never given by the agent.',
    }),
    imageCropSpecification: Type.Object(
      { size: Type.Object({ width: WithUnits, height: WithUnits }, strict), offset: opt(Type.Object({ x: WithUnits, y: WithUnits }, strict)) },
      strict,
    ),
    altText: Type.String({ minLength: 1, maxLength: 100 }),
  },
  strict,
);
const TextItem = Type.Object({ position: Int(1, 100), text: Text }, strict);
const PlainTextItem = Type.Object({ position: Int(1, 100), value: Type.String({ minLength: 1, maxLength: 250 }) }, strict);
const TextListBlock = Type.Object({ textList: Type.Array(TextItem, { maxItems: 8 }) }, strict);
const HeaderTextListBlock = Type.Object({ headline: opt(Text), block: opt(TextListBlock) }, strict);
const TextBlock = Type.Object({ headline: opt(Text), body: opt(Paragraph) }, strict);
const ImageTextBlock = Type.Object({ image: opt(Image), headline: opt(Text), body: opt(Paragraph) }, strict);
const ImageCaptionBlock = Type.Object({ image: opt(Image), caption: opt(Text) }, strict);
const ImageTextCaptionBlock = Type.Object({ block: opt(ImageTextBlock), caption: opt(Text) }, strict);
const TextPairBlock = Type.Object({ label: opt(Text), description: opt(Text) }, strict);
const ComparisonColumn = Type.Object(
  {
    position: Int(1, 6),
    image: opt(Image),
    title: opt(Type.String({ minLength: 1, maxLength: 80 })),
    // The model says only minLength 10; an ASIN is exactly 10 characters.
    asin: opt(Type.String({ minLength: 10, maxLength: 10 })),
    highlight: opt(Type.Boolean()),
    metrics: opt(Type.Array(PlainTextItem, { maxItems: 10 })),
  },
  strict,
);
const Position = Type.Union([Type.Literal('LEFT'), Type.Literal('RIGHT')]);
const Color = Type.Union([Type.Literal('DARK'), Type.Literal('LIGHT')]);

/** contentModuleType → [property name, module schema]. */
export const MODULES: Record<string, [string, TSchema]> = {
  STANDARD_COMPANY_LOGO: ['standardCompanyLogo', Type.Object({ companyLogo: Image }, strict)],
  STANDARD_COMPARISON_TABLE: [
    'standardComparisonTable',
    Type.Object({ productColumns: opt(Type.Array(ComparisonColumn, { maxItems: 6 })), metricRowLabels: opt(Type.Array(PlainTextItem, { maxItems: 10 })) }, strict),
  ],
  STANDARD_FOUR_IMAGE_TEXT: [
    'standardFourImageText',
    Type.Object({ headline: opt(Text), block1: opt(ImageTextBlock), block2: opt(ImageTextBlock), block3: opt(ImageTextBlock), block4: opt(ImageTextBlock) }, strict),
  ],
  STANDARD_FOUR_IMAGE_TEXT_QUADRANT: [
    'standardFourImageTextQuadrant',
    Type.Object({ block1: ImageTextBlock, block2: ImageTextBlock, block3: ImageTextBlock, block4: ImageTextBlock }, strict),
  ],
  STANDARD_HEADER_IMAGE_TEXT: ['standardHeaderImageText', Type.Object({ headline: opt(Text), block: opt(ImageTextBlock) }, strict)],
  STANDARD_IMAGE_SIDEBAR: [
    'standardImageSidebar',
    Type.Object(
      {
        headline: opt(Text),
        imageCaptionBlock: opt(ImageCaptionBlock),
        descriptionTextBlock: opt(TextBlock),
        descriptionListBlock: opt(TextListBlock),
        sidebarImageTextBlock: opt(ImageTextBlock),
        sidebarListBlock: opt(TextListBlock),
      },
      strict,
    ),
  ],
  STANDARD_IMAGE_TEXT_OVERLAY: ['standardImageTextOverlay', Type.Object({ overlayColorType: Color, block: opt(ImageTextBlock) }, strict)],
  STANDARD_MULTIPLE_IMAGE_TEXT: ['standardMultipleImageText', Type.Object({ blocks: opt(Type.Array(ImageTextCaptionBlock)) }, strict)],
  STANDARD_PRODUCT_DESCRIPTION: ['standardProductDescription', Type.Object({ body: Paragraph }, strict)],
  STANDARD_SINGLE_IMAGE_HIGHLIGHTS: [
    'standardSingleImageHighlights',
    Type.Object(
      { image: opt(Image), headline: opt(Text), textBlock1: opt(TextBlock), textBlock2: opt(TextBlock), textBlock3: opt(TextBlock), bulletedListBlock: opt(HeaderTextListBlock) },
      strict,
    ),
  ],
  STANDARD_SINGLE_IMAGE_SPECS_DETAIL: [
    'standardSingleImageSpecsDetail',
    Type.Object(
      {
        headline: opt(Text),
        image: opt(Image),
        descriptionHeadline: opt(Text),
        descriptionBlock1: opt(TextBlock),
        descriptionBlock2: opt(TextBlock),
        specificationHeadline: opt(Text),
        specificationListBlock: opt(HeaderTextListBlock),
        specificationTextBlock: opt(TextBlock),
      },
      strict,
    ),
  ],
  STANDARD_SINGLE_SIDE_IMAGE: ['standardSingleSideImage', Type.Object({ imagePositionType: Position, block: opt(ImageTextBlock) }, strict)],
  STANDARD_TECH_SPECS: [
    'standardTechSpecs',
    Type.Object({ headline: opt(Text), specificationList: Type.Array(TextPairBlock, { minItems: 4, maxItems: 16 }), tableCount: opt(Int(1, 2)) }, strict),
  ],
  STANDARD_TEXT: ['standardText', Type.Object({ headline: opt(Text), body: Paragraph }, strict)],
  STANDARD_THREE_IMAGE_TEXT: [
    'standardThreeImageText',
    Type.Object({ headline: opt(Text), block1: opt(ImageTextBlock), block2: opt(ImageTextBlock), block3: opt(ImageTextBlock) }, strict),
  ],
};

export const MODULE_TYPES = Object.keys(MODULES);
export const MODULE_PROPERTIES = new Set(Object.values(MODULES).map(([property]) => property));
export const MODULE_VALIDATORS = new Map(Object.entries(MODULES).map(([type, [, schema]]) => [type, Compile(schema)]));

import { stringVolumeOver } from '../http/json-depth.js';
import { MODULE_PROPERTIES, MODULE_TYPES, MODULE_VALIDATORS, MODULES } from './aplus-schema.js';
import { findContact, findHtml, findPhrase, words, type Phrase } from './text-rules.js';
import { at, violation, type Violation } from './violations.js';

/**
 * A+ content rules (docs/amazon.md#a-content): the module structure of Amazon's model, and the
 * content policy checks Amazon's moderation applies — no prices or promotions, no contact details,
 * no time-sensitive language, no guarantee or warranty claims
 * (https://kdp.amazon.com/en_US/help/topic/G4WB7VPPEAREHAAD; Amazon's own validation flags "$").
 * "free" is refused as a word but allowed in hyphenated feature compounds ("BPA-free", "hands-free").
 */
const PRICE = /[$€£¥₹]|\b\d+(?:[.,]\d+)?\s?(?:usd|eur|gbp|jpy|cad|dollars?|euros?|pounds?)\b/i;
const PROMOTION: Phrase[] = words(
  '% off',
  'percent off',
  'discount',
  'sale',
  'on sale',
  'clearance',
  'deal',
  'deals',
  'bonus',
  'affordable',
  'cheap',
  'lowest price',
  'best price',
  'buy now',
  'add to cart',
  'get yours now',
  'shop now',
  'shop with us',
  'order now',
  'free shipping',
  'best seller',
  'best selling',
  'bestseller',
  '#1',
);
const TIME_SENSITIVE: Phrase[] = words(
  'new',
  'now',
  'latest',
  'yet',
  'limited time',
  'limited edition',
  'this season',
  'holiday',
  'holidays',
  'christmas',
  'xmas',
  'black friday',
  'cyber monday',
  'prime day',
  'halloween',
  'thanksgiving',
  'easter',
  "valentine's day",
  'valentines day',
  "mother's day",
  "father's day",
  'new year',
);
const GUARANTEE: Phrase[] = words('guarantee', 'guaranteed', 'guarantees', 'warranty', 'warranties', 'money back', 'refund', 'refunds', 'return policy', 'risk free', 'risk-free');
/** "free" on its own; "BPA-free" style compounds are product features. */
const FREE = /(?<![\p{L}\p{N}-])free(?![\p{L}\p{N}]|-\p{L})/iu;

/** Rules for one text a shopper reads. */
export function checkAplusText(text: string, field: string): Violation[] {
  const out: Violation[] = [];
  const price = PRICE.exec(text);
  if (price) out.push(violation('APLUS_PRICE', field, `must not mention prices or currency ("${price[0]}"); A+ content may not carry pricing`));
  const promo = findPhrase(text, PROMOTION) ?? (FREE.test(text) ? { label: 'free' } : undefined);
  if (promo) out.push(violation('APLUS_PROMOTION', field, `must not contain promotional language ("${promo.label}")`));
  const contact = findContact(text);
  if (contact) out.push(violation('APLUS_CONTACT_DETAILS', field, `must not contain a ${contact.kind} ("${contact.match}")`));
  const time = findPhrase(text, TIME_SENSITIVE);
  if (time) out.push(violation('APLUS_TIME_SENSITIVE', field, `must not contain time-sensitive language ("${time.label}")`));
  const guarantee = findPhrase(text, GUARANTEE);
  if (guarantee) out.push(violation('APLUS_GUARANTEE', field, `must not make guarantee, warranty or return claims ("${guarantee.label}")`));
  const html = findHtml(text);
  if (html) out.push(violation('APLUS_HTML', field, `must not contain HTML (found ${html}); use decoratorSet for styling`));
  return out;
}

/** Every text of a module a shopper reads, with its field: Text.value, PlainTextItem.value, altText, column titles. */
export function moduleTexts(node: unknown, field: string): { text: string; field: string }[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => moduleTexts(item, at(field, i)));
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node as Record<string, unknown>).flatMap(([key, value]) =>
    typeof value === 'string' && (key === 'value' || key === 'altText' || key === 'title') ? [{ text: value, field: at(field, key) }] : moduleTexts(value, at(field, key)),
  );
}

/** Structure of one ContentModule: its type, the matching object and nothing else, the model's limits. */
export function checkModule(module: Record<string, unknown>, field: string): Violation[] {
  const type = module.contentModuleType;
  if (typeof type !== 'string' || !MODULES[type]) {
    return [violation('APLUS_MODULE_TYPE', at(field, 'contentModuleType'), `must be one of ${MODULE_TYPES.join(', ')}`)];
  }
  const [property] = MODULES[type];
  const others = Object.keys(module).filter((k) => k !== 'contentModuleType' && k !== property);
  if (others.length > 0) {
    const known = others.find((k) => MODULE_PROPERTIES.has(k));
    return [
      violation(
        'APLUS_MODULE_MISMATCH',
        at(field, others[0] ?? ''),
        known ? `does not match contentModuleType ${type}: a ${type} module carries only ${property}` : 'is not a field of a content module',
      ),
    ];
  }
  if (module[property] === undefined) return [violation('APLUS_MODULE_MISSING', at(field, property), `is required for contentModuleType ${type}`)];
  const validator = MODULE_VALIDATORS.get(type);
  const errors = validator && !validator.Check(module[property]) ? [...validator.Errors(module[property])].filter((e) => e.keyword !== 'boolean') : [];
  const first = errors[0];
  if (first) {
    const path = [at(field, property), ...first.instancePath.split('/').filter(Boolean)].join('.');
    const params = first.params as { additionalProperties?: unknown; requiredProperties?: unknown; missingProperty?: unknown };
    const missing = params.missingProperty ?? (Array.isArray(params.requiredProperties) ? params.requiredProperties[0] : undefined);
    if (first.keyword === 'additionalProperties' && Array.isArray(params.additionalProperties)) {
      return [violation('APLUS_STRUCTURE', at(path, String(params.additionalProperties[0])), `is not a field of ${property} in Amazon's A+ model`)];
    }
    if (first.keyword === 'required' && missing !== undefined) {
      return [violation('APLUS_STRUCTURE', at(path, String(missing)), `is required by Amazon's A+ model`)];
    }
    return [violation('APLUS_STRUCTURE', path, `${first.message} (Amazon's A+ model)`)];
  }
  return moduleTexts(module[property], at(field, property)).flatMap(({ text, field: where }) => checkAplusText(text, where));
}

/**
 * The strings of a document's modules together (keys, texts, image URLs): Amazon's model allows 100
 * modules of up to 100 texts of 10,000 characters each, far beyond any A+ page a shopper scrolls
 * through. The broker's cap, not Amazon's: it bounds what the rules read in one call, whatever the
 * body size.
 */
export const MAX_APLUS_DOCUMENT_CHARS = 200_000;

export function checkContentDocument(modules: readonly Record<string, unknown>[], field = 'params.content_document.content_module_list'): Violation[] {
  const over = stringVolumeOver(modules, field, MAX_APLUS_DOCUMENT_CHARS);
  if (over) {
    return [
      violation(
        'APLUS_DOCUMENT_TOO_LARGE',
        field,
        over.tooDeep
          ? `is nested deeper than any A+ module (at ${over.field})`
          : `holds more than ${MAX_APLUS_DOCUMENT_CHARS.toLocaleString('en-US')} characters of text (keys and strings, counted up to ${over.field}); the broker takes A+ documents up to that size`,
      ),
    ];
  }
  return modules.flatMap((module, i) => checkModule(module, at(field, i)));
}

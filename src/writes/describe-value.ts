/**
 * One attribute value as a short readable phrase for a write's summary ("24.99 USD", "10 × 6 × 4
 * inches", "quantity 25"), never JSON cut mid-way. Amazon's attribute values are objects whose shape
 * depends on the attribute; the common structured ones are recognised, anything else is listed as
 * "key value" pairs, whole, up to a length.
 */
type Json = Record<string, unknown>;

const MAX_TEXT = 60;
/** Context the buyer already knows from the summary (marketplace, language). */
const NOISE = new Set(['marketplace_id', 'language_tag']);

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const clip = (text: string) => (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text);

/** { value: 1.2, unit: 'pounds' } → "1.2 pounds". */
function measure(value: unknown): string | undefined {
  if (!isObject(value) || (typeof value.value !== 'number' && typeof value.value !== 'string')) return undefined;
  return typeof value.unit === 'string' ? `${value.value} ${value.unit.replace(/_/g, ' ')}` : String(value.value);
}

/** purchasable_offer: our_price[0].schedule[0].value_with_tax with the currency. */
function offerPrice(value: Json): string | undefined {
  const ourPrice = Array.isArray(value.our_price) ? (value.our_price[0] as Json | undefined) : undefined;
  const schedule = Array.isArray(ourPrice?.schedule) ? (ourPrice.schedule[0] as Json | undefined) : undefined;
  const amount = schedule?.value_with_tax ?? schedule?.value;
  if (typeof amount !== 'number') return undefined;
  return `${amount}${typeof value.currency === 'string' ? ` ${value.currency}` : ''}`;
}

/** { length, width, height } each { value, unit } → "10 × 6 × 4 inches". */
function dimensions(value: Json): string | undefined {
  const sides = ['length', 'width', 'height'].map((side) => value[side]).filter(isObject);
  if (sides.length < 2) return undefined;
  const units = new Set(sides.map((side) => side.unit));
  const unit = units.size === 1 && typeof sides[0]?.unit === 'string' ? ` ${sides[0].unit}` : '';
  return sides.map((side) => (unit ? String(side.value) : measure(side))).join(' × ') + unit;
}

function pairs(value: Json): string {
  const parts: string[] = [];
  for (const [key, inner] of Object.entries(value)) {
    if (NOISE.has(key)) continue;
    const text = typeof inner === 'string' || typeof inner === 'number' || typeof inner === 'boolean' ? String(inner) : (measure(inner) ?? (isObject(inner) || Array.isArray(inner) ? '…' : undefined));
    if (text === undefined) continue;
    const next = `${key.replace(/_/g, ' ')} ${text}`;
    if ([...parts, next].join(', ').length > MAX_TEXT) {
      parts.push('…');
      break;
    }
    parts.push(next);
  }
  return parts.join(', ') || 'a value';
}

export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `"${clip(value)}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (!isObject(value)) return value === null || value === undefined ? 'nothing' : 'a list';
  if (typeof value.value === 'string') return `"${clip(value.value)}"`;
  if (typeof value.media_location === 'string') return `"${clip(value.media_location)}"`;
  const readable =
    offerPrice(value) ??
    (typeof value.currency === 'string' && typeof value.value === 'number' ? `${value.value} ${value.currency}` : undefined) ??
    dimensions(value) ??
    measure(value) ??
    (typeof value.quantity === 'number' ? `quantity ${value.quantity}${typeof value.fulfillment_channel_code === 'string' ? ` (${value.fulfillment_channel_code})` : ''}` : undefined);
  // A unit or currency is the caller's string: clipped like any text, so a summary stays short.
  return readable === undefined ? pairs(value) : clip(readable);
}

/**
 * Text checks shared by listing text and A+ content: HTML, contact details and phrase lists.
 * Amazon forbids HTML, phone numbers, e-mail addresses and URLs in titles, bullets and descriptions
 * ("Product detail page rules", https://sellercentral.amazon.com/gp/help/external/200390640) and in A+
 * content (https://kdp.amazon.com/en_US/help/topic/G4WB7VPPEAREHAAD). The checks are deliberately
 * mechanical; Amazon's own review remains the last word.
 *
 * Every check here runs in time linear in the text: an agent's text must never cost the event loop
 * more than a pass or two over it. The e-mail, domain and tag finders are hand-written scanners that
 * anchor on `@`, a word start or `<` and read each character a bounded number of times; the regular
 * expressions left have no unbounded quantifier that can be re-entered from many starting points
 * (test/writes/text-rules-linear.test.ts holds them to that on megabyte inputs).
 */

const code = (text: string, i: number) => text.charCodeAt(i);
const isDigit = (c: number) => c >= 48 && c <= 57;
const isAsciiLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isAlnum = (c: number) => isDigit(c) || isAsciiLetter(c);
/** `\w` of a non-Unicode regular expression: the characters `\b` looks at. */
const isWordChar = (c: number) => isAlnum(c) || c === 95;
/** `\s` of a regular expression (ASCII and Unicode white space). */
const SPACE = /\s/;
const isSpace = (text: string, i: number) => i < text.length && SPACE.test(text[i] as string);

/** The line breaks Amazon tolerates in product descriptions (`</br>`, and the usual <br> spellings). */
const LINE_BREAK = /^<\/?br\s*\/?>$/i;

/**
 * The tag starting at `lt` (a `<`), if one does: `<name>`, `</name>`, `<name/>`, or `<name …>` whose
 * attributes hold no `<` or `>`. The name is an ASCII letter, then letters, digits or hyphens. Returns
 * the index after the closing `>`, or where to look for the next `<` when there is no tag here.
 */
function tagAt(text: string, lt: number): { end: number; tag: boolean } {
  let i = lt + 1;
  if (code(text, i) === 47) i += 1; // </
  if (!isAsciiLetter(code(text, i))) return { end: lt + 1, tag: false };
  while (i < text.length && (isAlnum(code(text, i)) || code(text, i) === 45)) i += 1;
  if (code(text, i) === 62) return { end: i + 1, tag: true }; // <b>
  if (code(text, i) === 47 && code(text, i + 1) === 62) return { end: i + 2, tag: true }; // <br/>
  if (!isSpace(text, i)) return { end: i, tag: false };
  // Attributes run to the next < or >: a > closes the tag, a < (or the end) means there was none.
  while (i < text.length && code(text, i) !== 60 && code(text, i) !== 62) i += 1;
  return code(text, i) === 62 ? { end: i + 1, tag: true } : { end: i, tag: false };
}

/** The first HTML tag in `text`, if any; line breaks are allowed when `allowLineBreaks`. */
export function findHtml(text: string, allowLineBreaks = false): string | undefined {
  let lt = text.indexOf('<');
  while (lt !== -1) {
    const { end, tag } = tagAt(text, lt);
    if (tag) {
      const found = text.slice(lt, end);
      if (!(allowLineBreaks && LINE_BREAK.test(found))) return found;
    }
    lt = text.indexOf('<', Math.max(end, lt + 1));
  }
  return undefined;
}

/** Characters of an e-mail address's local part: letters, digits and . _ % + - */
const isLocalChar = (c: number) => isAlnum(c) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45;
/** Characters of a domain label: letters, digits and hyphens. */
const isLabelChar = (c: number) => isAlnum(c) || c === 45;

/**
 * Reads dot-separated labels (non-empty runs of label characters) from `from`. `pick` is asked about
 * each label after the first; the answer for the last label it accepts is returned with the end of
 * the labels. One pass, nothing stored per label.
 */
function scanLabels(text: string, from: number, pick: (text: string, label: number) => number | undefined): { end: number; found: number | undefined } {
  let found: number | undefined;
  let i = from;
  while (i < text.length && isLabelChar(code(text, i))) i += 1;
  while (code(text, i) === 46 && isLabelChar(code(text, i + 1))) {
    i += 1;
    found = pick(text, i) ?? found;
    while (i < text.length && isLabelChar(code(text, i))) i += 1;
  }
  return { end: i, found };
}

/** The end of the run of ASCII letters at `label`, when it holds two or more (an e-mail's last label). */
function letterRunEnd(text: string, label: number): number | undefined {
  let end = label;
  while (isAsciiLetter(code(text, end))) end += 1;
  return end - label >= 2 ? end : undefined;
}

/**
 * E-mail addresses: local part, `@`, labels, and a last label beginning with two or more letters.
 * Anchored on each `@`: the local part is read backwards to the previous non-local character and
 * the domain forwards to the next non-domain character, so no character is read more than twice.
 */
function findEmail(text: string): string | undefined {
  let at = text.indexOf('@');
  while (at !== -1) {
    let start = at;
    while (start > 0 && isLocalChar(code(text, start - 1))) start -= 1;
    if (start < at && isLabelChar(code(text, at + 1))) {
      // The last label that starts with two letters ends the address ("a@b.com1" is "a@b.com").
      const { found } = scanLabels(text, at + 1, letterRunEnd);
      if (found !== undefined) return text.slice(start, found);
    }
    at = text.indexOf('@', at + 1);
  }
  return undefined;
}

/** URLs with a scheme or www. (bounded alternatives at each start; the tail runs to white space once). */
const URL_LIKE = /\b(?:https?:\/\/|ftp:\/\/|www\.)[^\s]+/i;

/** Top-level domains of bare domains ("shop.example.com", "mystore.shop"), in the order they are tried. */
const TLDS = ['com', 'net', 'org', 'info', 'biz', 'shop', 'store', 'online', 'site', 'co', 'io', 'us', 'uk', 'de', 'fr', 'jp', 'ca', 'mx', 'in', 'au'];

/** The TLDs by their first letter, so a label costs one lookup when it starts no TLD. */
const TLDS_BY_FIRST = new Map<number, string[]>();
for (const tld of TLDS) TLDS_BY_FIRST.set(code(tld, 0), [...(TLDS_BY_FIRST.get(code(tld, 0)) ?? []), tld]);
const lower = (c: number) => (c >= 65 && c <= 90 ? c + 32 : c);

/** The TLD the label at `label` is, if any: the whole label, or its start before a lone hyphen. */
function tldAt(text: string, label: number): string | undefined {
  for (const tld of TLDS_BY_FIRST.get(lower(code(text, label))) ?? []) {
    let k = 1;
    while (k < tld.length && lower(code(text, label + k)) === code(tld, k)) k += 1;
    if (k < tld.length) continue;
    const end = label + tld.length;
    const next = code(text, end);
    if (end < text.length && isWordChar(next)) continue;
    // Not a TLD when the name goes on: "shop.com-x", "shop.com.x".
    if ((next === 45 || next === 46) && isAlnum(code(text, end + 1))) continue;
    return tld;
  }
  return undefined;
}

/** The end of the TLD the label at `label` is, if it is one. */
function tldEnd(text: string, label: number): number | undefined {
  const tld = tldAt(text, label);
  return tld === undefined ? undefined : label + tld.length;
}

/**
 * Bare domains: dot-separated labels starting at a word start, the last of them (not the first) a
 * known TLD. A start that finds none rules out every later start inside the same labels, so the
 * search resumes after them and each character is read a bounded number of times.
 */
function findBareDomain(text: string): string | undefined {
  let i = 0;
  while (i < text.length) {
    const c = code(text, i);
    if (!isAlnum(c) || (i > 0 && isWordChar(code(text, i - 1)))) {
      i += 1;
      continue;
    }
    const { end, found } = scanLabels(text, i, tldEnd);
    if (found !== undefined) return text.slice(i, found);
    i = Math.max(end, i + 1);
  }
  return undefined;
}

/**
 * Digits with separators, optionally with a +country prefix: candidates, confirmed by digit count.
 * Every quantifier is bounded ({1,3}, {2,4}, {1,4}, at most five groups), so an attempt reads at
 * most 37 characters: linear in the text.
 */
const PHONE_CANDIDATE = /(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?\d{2,4}(?:[\s.-]\d{2,4}){1,4}|\d{2,4}(?:[\s.-]\d{2,4}){2,4})/g;

export type ContactKind = 'e-mail address' | 'URL' | 'phone number';

/** The first contact detail in `text` (e-mail, URL, phone number), if any. */
export function findContact(text: string): { kind: ContactKind; match: string } | undefined {
  const email = findEmail(text);
  if (email) return { kind: 'e-mail address', match: email };
  const url = URL_LIKE.exec(text)?.[0] ?? findBareDomain(text);
  if (url) return { kind: 'URL', match: url };
  for (const match of text.matchAll(PHONE_CANDIDATE)) {
    let digits = 0;
    for (let i = 0; i < match[0].length; i += 1) if (isDigit(code(match[0], i))) digits += 1;
    // 10–15 digits in separated groups: a phone number, not a size ("30 x 20 x 10") or a year range.
    if (digits >= 10 && digits <= 15) return { kind: 'phone number', match: match[0].trim() };
  }
  return undefined;
}

export interface Phrase {
  /** What the message quotes. */
  label: string;
  pattern: RegExp;
}

const WORD_CHAR = /[\p{L}\p{N}]/u;

/** The regular expression source of one phrase: whole words, case-insensitive, spaces also match hyphens. */
function phraseSource(label: string): string {
  const body = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '[\\s-]+');
  const before = WORD_CHAR.test(label.at(0) ?? '') ? '(?<![\\p{L}\\p{N}])' : '';
  const after = WORD_CHAR.test(label.at(-1) ?? '') ? '(?![\\p{L}\\p{N}])' : '';
  return `${before}${body}${after}`;
}

/** Whole-word, case-insensitive phrase ("sale" does not match "wholesale"); spaces also match hyphens. */
export const words = (...labels: string[]): Phrase[] => labels.map((label) => ({ label, pattern: new RegExp(phraseSource(label), 'iu') }));

/**
 * One pass for a whole list: the phrases as alternatives, each in a group of its own. A phrase's
 * `[\s-]+` can only run after its own first word, so each run of spaces is read by a bounded number
 * of alternatives: linear in the text, instead of one pass per phrase.
 */
const combined = new WeakMap<readonly Phrase[], RegExp>();

function listPattern(phrases: readonly Phrase[]): RegExp {
  let pattern = combined.get(phrases);
  if (!pattern) {
    pattern = new RegExp(phrases.map((phrase) => `(${phraseSource(phrase.label)})`).join('|'), 'iu');
    combined.set(phrases, pattern);
  }
  return pattern;
}

/** The phrase of the list found first in `text` (at the same place, the one listed first). */
export function findPhrase(text: string, phrases: readonly Phrase[]): Phrase | undefined {
  const match = listPattern(phrases).exec(text);
  if (!match) return undefined;
  const index = match.findIndex((group, i) => i > 0 && group !== undefined);
  return phrases[index - 1];
}

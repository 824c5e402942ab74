/**
 * Text checks shared by listing text and A+ content: HTML, contact details and phrase lists.
 * Amazon forbids HTML, phone numbers, e-mail addresses and URLs in titles, bullets and descriptions
 * ("Product detail page rules", https://sellercentral.amazon.com/gp/help/external/200390640) and in A+
 * content (https://kdp.amazon.com/en_US/help/topic/G4WB7VPPEAREHAAD). The checks are deliberately
 * mechanical; Amazon's own review remains the last word.
 */

/** An opening or closing tag, e.g. <b>, </p>, <script src=…>, <br/>. */
const TAG = /<\/?[a-z][a-z0-9-]*(?:\s[^<>]*)?\/?>/gi;
/** The line breaks Amazon tolerates in product descriptions (`</br>`, and the usual <br> spellings). */
const LINE_BREAK = /^<\/?br\s*\/?>$/i;

/** The first HTML tag in `text`, if any; line breaks are allowed when `allowLineBreaks`. */
export function findHtml(text: string, allowLineBreaks = false): string | undefined {
  for (const match of text.matchAll(TAG)) {
    if (allowLineBreaks && LINE_BREAK.test(match[0])) continue;
    return match[0];
  }
  return undefined;
}

const EMAIL = /[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/i;
const URL_LIKE = /\b(?:https?:\/\/|ftp:\/\/|www\.)[^\s]+/i;
/** Bare domains with a common TLD ("shop.example.com", "mystore.shop"). */
const BARE_DOMAIN = /\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|net|org|info|biz|shop|store|online|site|co|io|us|uk|de|fr|jp|ca|mx|in|au)\b(?![-.][a-z0-9])/i;
/** Digits with separators, optionally with a +country prefix: candidates, confirmed by digit count. */
const PHONE_CANDIDATE = /(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?\d{2,4}(?:[\s.-]\d{2,4}){1,4}|\d{2,4}(?:[\s.-]\d{2,4}){2,4})/g;

export type ContactKind = 'e-mail address' | 'URL' | 'phone number';

/** The first contact detail in `text` (e-mail, URL, phone number), if any. */
export function findContact(text: string): { kind: ContactKind; match: string } | undefined {
  const email = EMAIL.exec(text);
  if (email) return { kind: 'e-mail address', match: email[0] };
  const url = URL_LIKE.exec(text) ?? BARE_DOMAIN.exec(text);
  if (url) return { kind: 'URL', match: url[0] };
  for (const match of text.matchAll(PHONE_CANDIDATE)) {
    const digits = match[0].replace(/\D/g, '').length;
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

/** Whole-word, case-insensitive phrase ("sale" does not match "wholesale"); spaces also match hyphens. */
export const words = (...labels: string[]): Phrase[] =>
  labels.map((label) => {
    const body = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '[\\s-]+');
    const before = WORD_CHAR.test(label.at(0) ?? '') ? '(?<![\\p{L}\\p{N}])' : '';
    const after = WORD_CHAR.test(label.at(-1) ?? '') ? '(?![\\p{L}\\p{N}])' : '';
    return { label, pattern: new RegExp(`${before}${body}${after}`, 'iu') };
  });

export function findPhrase(text: string, phrases: readonly Phrase[]): Phrase | undefined {
  return phrases.find((phrase) => phrase.pattern.test(text));
}

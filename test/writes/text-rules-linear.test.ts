import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkAplusText } from '../../src/writes/aplus-rules.js';
import { checkListingText, checkTitle, TEXT_LIMITS } from '../../src/writes/listing-rules.js';
import { findContact, findHtml, findPhrase, words } from '../../src/writes/text-rules.js';
import { ADVERSARIAL_TEXTS } from '../helpers/adversarial-texts.js';

/**
 * The text rules read an agent's text in time linear in its length (a quadratic pattern held a
 * 40 KB description for seconds and blocked the broker), and find what the regular expressions they
 * replaced found.
 */

// The patterns the scanners replaced, as an oracle on short texts (quadratic, so only on short ones).
const OLD_TAG = /<\/?[a-z][a-z0-9-]*(?:\s[^<>]*)?\/?>/gi;
const OLD_LINE_BREAK = /^<\/?br\s*\/?>$/i;
const OLD_EMAIL = /[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/i;
const OLD_URL = /\b(?:https?:\/\/|ftp:\/\/|www\.)[^\s]+/i;
const OLD_DOMAIN = /\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|net|org|info|biz|shop|store|online|site|co|io|us|uk|de|fr|jp|ca|mx|in|au)\b(?![-.][a-z0-9])/i;
const OLD_PHONE = /(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?\d{2,4}(?:[\s.-]\d{2,4}){1,4}|\d{2,4}(?:[\s.-]\d{2,4}){2,4})/g;

function oldHtml(text: string, allowLineBreaks: boolean): string | undefined {
  for (const match of text.matchAll(OLD_TAG)) {
    if (allowLineBreaks && OLD_LINE_BREAK.test(match[0])) continue;
    return match[0];
  }
  return undefined;
}

function oldContact(text: string) {
  const email = OLD_EMAIL.exec(text);
  if (email) return { kind: 'e-mail address', match: email[0] };
  const url = OLD_URL.exec(text) ?? OLD_DOMAIN.exec(text);
  if (url) return { kind: 'URL', match: url[0] };
  for (const match of text.matchAll(OLD_PHONE)) {
    const digits = match[0].replace(/\D/g, '').length;
    if (digits >= 10 && digits <= 15) return { kind: 'phone number', match: match[0].trim() };
  }
  return undefined;
}

/** Texts made of the characters the rules care about, so matches and near misses are frequent. */
const ALPHABET = ['a', 'B', 'c', 'o', 'm', 'w', '.', '.', '@', '@', '-', '_', '+', '%', '1', '2', '0', ' ', ' ', '<', '>', '/', 'b', 'r', '(', ')', '\u00a0', 'é', 'x', 'h', 't', 'p', 's', ':', 'i', 'n', 'u', 'k'];
const CHUNKS = ['www.', 'https://', 'ftp://', '.com', '.co', '.com.au', '.io', 'shop', '<br>', '</br>', '<br/>', '<p>', '<a href=x>', 'mail@', '555-123-4567', '+44 20 7946 0958', '(555) 123-4567', 'free shipping', 'on sale', '%'];
const texts = fc
  .array(fc.oneof(fc.constantFrom(...ALPHABET), fc.constantFrom(...CHUNKS)), { maxLength: 40 })
  .map((parts) => parts.join(''));

describe('the scanners find what the old patterns found', () => {
  it('contact details (kind and quoted match)', () => {
    fc.assert(
      fc.property(texts, (text) => {
        expect(findContact(text)).toEqual(oldContact(text));
      }),
      { numRuns: 5_000 },
    );
  });

  it('HTML tags, with and without line breaks allowed', () => {
    fc.assert(
      fc.property(texts, fc.boolean(), (text, allowLineBreaks) => {
        expect(findHtml(text, allowLineBreaks)).toEqual(oldHtml(text, allowLineBreaks));
      }),
      { numRuns: 5_000 },
    );
  });

  it('phrase lists: found exactly when one of the phrases is, and the phrase named is in the text', () => {
    const phrases = words('free shipping', 'free delivery', 'on sale', 'sale', 'buy now', '% off', 'limited time offer', 'new', 'new year', '#1');
    const phraseTexts = fc.array(fc.constantFrom('free', 'shipping', 'delivery', 'on', 'sale', 'wholesale', 'buy', 'now', '%', 'off', 'new', 'year', '#1', 'limited', 'time', 'offer', ' ', '-', '  ', 'x'), { maxLength: 12 }).map((p) => p.join(''));
    fc.assert(
      fc.property(phraseTexts, (text) => {
        const found = findPhrase(text, phrases);
        expect(found !== undefined).toBe(phrases.some((phrase) => phrase.pattern.test(text)));
        if (found) expect(found.pattern.test(text)).toBe(true);
      }),
      { numRuns: 3_000 },
    );
  });

  it('names the phrase that comes first in the text', () => {
    expect(findPhrase('on sale now, free shipping', words('free shipping', 'on sale'))?.label).toBe('on sale');
    expect(findPhrase('Happy new year', words('new', 'new year'))?.label).toBe('new');
  });
});

const MB = 1 << 20;

const RULES: Record<string, (text: string) => unknown> = {
  findContact,
  findHtml: (text) => findHtml(text, true),
  findPhrase: (text) => findPhrase(text, words('free shipping', 'free delivery', 'on sale', 'buy now', 'limited time offer', '% off', 'lowest price')),
  checkAplusText: (text) => checkAplusText(text, 'f'),
  // Listing texts and titles longer than their limits stop at the length rule; the rest is read.
  checkListingText: (text) => checkListingText('bullet_point', text, 'f'),
  checkTitle: (text) => checkTitle(text, 'f'),
};

/** Fastest of a few runs: a busy machine slows some runs down, never speeds one up. */
function fastest(run: () => unknown): number {
  let best = Infinity;
  for (let i = 0; i < 3; i += 1) {
    const started = performance.now();
    run();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

describe('the rules take time linear in the text', () => {
  // Loose enough for a busy CI machine; a quadratic rule misses it by orders of magnitude (the old
  // patterns took about 200 ms for 8 KB of "a.", which is about an hour for 1 MB). Sizes grow, so a
  // quadratic rule fails at 64 KB (seconds) instead of hanging the run on 1 MB.
  const bound = (bytes: number) => 50 + (450 * bytes) / MB;

  for (const [name, rule] of Object.entries(RULES)) {
    it(`${name} on adversarial texts of 64 KB, 256 KB and 1 MB`, () => {
      for (const [shape, make] of Object.entries(ADVERSARIAL_TEXTS)) {
        for (const size of [64 * 1024, 256 * 1024, MB]) {
          const text = make(size);
          const ms = fastest(() => rule(text));
          expect(ms, `${name} on ${size} bytes of ${JSON.stringify(shape)}: ${ms.toFixed(1)} ms`).toBeLessThan(bound(size));
        }
      }
    }, 120_000);
  }

  it('listing texts at their length limits are read in full, quickly', () => {
    for (const [attribute, { max }] of Object.entries(TEXT_LIMITS)) {
      for (const make of Object.values(ADVERSARIAL_TEXTS)) {
        const text = make(max * 2).slice(0, max);
        expect(fastest(() => checkListingText(attribute, text, 'f'))).toBeLessThan(bound(max));
      }
    }
  });
});

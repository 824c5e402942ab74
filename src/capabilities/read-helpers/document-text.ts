import { BrokerError } from '../../errors.js';

/**
 * Report and feed documents are bytes: Amazon's JSON reports are UTF-8, but documents may carry a
 * BOM (UTF-8 or UTF-16) or declare another charset (flat files for JP are Shift_JIS, older EU ones
 * windows-1252). A BOM wins, then a declared charset, then strict UTF-8, then the regional fallback.
 */
export function charsetOf(contentType: string | undefined): string | undefined {
  const match = /charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return match?.[1]?.toLowerCase();
}

export function decodeDocument(bytes: Buffer, options: { charset?: string | undefined; fallbackCharset?: string } = {}): string {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return new TextDecoder('utf-8').decode(bytes.subarray(3));
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  if (options.charset) {
    try {
      return new TextDecoder(options.charset).decode(bytes);
    } catch {
      // an unknown label: fall through to detection
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder(options.fallbackCharset ?? 'windows-1252').decode(bytes);
  }
}

/** The regional legacy charset Amazon's flat files use when they are not UTF-8. */
export const fallbackCharsetFor = (countryCode: string) => (countryCode === 'JP' ? 'shift_jis' : 'windows-1252');

/** A JSON document, or SP_API_ERROR (Amazon returned something the broker cannot read). */
export function parseJsonDocument(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new BrokerError('SP_API_ERROR', `Amazon's ${what} is not JSON as expected`, { details: { status: 200, errors: [], excerpt: text.slice(0, 200) } });
  }
}

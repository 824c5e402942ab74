import { TextDecoder } from 'node:util';

/**
 * Report and feed documents are bytes: Amazon's JSON reports are UTF-8, but documents may carry a
 * BOM (UTF-8 or UTF-16) or declare another charset in their Content-Type. A BOM wins, then the
 * declared charset, then UTF-8.
 */
export function charsetOf(contentType: string | undefined): string | undefined {
  const match = /charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return match?.[1]?.toLowerCase();
}

/** The charset a document's first bytes announce with a byte-order mark, and the mark's length. */
function byteOrderMark(bytes: Buffer): { charset: string; length: number } | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { charset: 'utf-8', length: 3 };
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { charset: 'utf-16le', length: 2 };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return { charset: 'utf-16be', length: 2 };
  return undefined;
}

const isUtf8 = (charset: string) => charset === 'utf-8' || charset === 'utf8';

function decoderFor(charset: string | undefined): TextDecoder | undefined {
  if (!charset || isUtf8(charset)) return undefined;
  try {
    return new TextDecoder(charset);
  } catch {
    return undefined; // an unknown label: read it as UTF-8
  }
}

/**
 * A streamed document's chunks as its reader wants them: UTF-8 stays bytes (the JSON tokenizer
 * decodes UTF-8 itself, across chunk boundaries), without a BOM; a UTF-16 BOM or another declared
 * charset is decoded to text on the way. With `asText`, UTF-8 is decoded to text too.
 */
export async function* decodedChunks(chunks: AsyncIterable<Buffer>, options: { charset?: string | undefined; asText?: boolean } = {}): AsyncGenerator<Uint8Array | string> {
  let decoder: TextDecoder | undefined;
  let head: Buffer | undefined = Buffer.alloc(0);
  for await (const chunk of chunks) {
    if (head !== undefined) {
      head = Buffer.concat([head, chunk]);
      if (head.length < 3) continue;
      const bom = byteOrderMark(head);
      decoder = bom ? decoderFor(bom.charset) : decoderFor(options.charset);
      if (!decoder && options.asText) decoder = new TextDecoder('utf-8');
      const rest = head.subarray(bom?.length ?? 0);
      head = undefined;
      if (rest.length > 0) yield decoder ? decoder.decode(rest, { stream: true }) : rest;
      continue;
    }
    yield decoder ? decoder.decode(chunk, { stream: true }) : chunk;
  }
  if (head !== undefined && head.length > 0) {
    // A document shorter than a BOM.
    yield options.asText ? new TextDecoder(decoderFor(options.charset)?.encoding ?? 'utf-8').decode(head) : head;
  } else if (decoder) {
    const tail = decoder.decode();
    if (tail) yield tail;
  }
}

import { TokenParser, TokenType, Tokenizer, type JsonTypes } from '@streamparser/json';
import type { Json } from './json.js';

/**
 * Reads a JSON object document chunk by chunk without ever holding it (Amazon's search terms
 * report is hundreds of MB to GB for one week). Top-level fields that are not arrays are kept whole
 * (they are small: reportSpecification, summary, errorDetails); each element of a top-level array is
 * handed to `keeperFor(field)` as soon as it is complete, and only what the keeper keeps stays in
 * memory. Tokenizing (UTF-8 across chunk boundaries, strings, numbers) is @streamparser/json's.
 */
export interface RowKeeper {
  add(row: unknown): void;
  /** The rows kept, in the order the answer shows them. */
  rows(): unknown[];
}

export interface StreamedDocument {
  /** Top-level fields; each top-level array holds only the rows its keeper kept. */
  document: Json;
  /** How many elements each top-level array had in the document. */
  totals: Record<string, number>;
}

export class NotJsonObjectError extends Error {}

const OPENERS = new Set<TokenType>([TokenType.LEFT_BRACE, TokenType.LEFT_BRACKET]);
const CLOSERS = new Set<TokenType>([TokenType.RIGHT_BRACE, TokenType.RIGHT_BRACKET]);

type Token = { token: TokenType; value: JsonTypes.JsonPrimitive };

/** Assembles the values of one top-level field from its tokens (one object, or an array's elements). */
interface Capture {
  field: string;
  parser: TokenParser;
  /** Whether the field is an array: its own brackets and commas are not fed to the parser. */
  array: boolean;
}

export async function streamJsonObject(chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>, keeperFor: (field: string) => RowKeeper): Promise<StreamedDocument> {
  const fields: Json = {};
  const keepers = new Map<string, RowKeeper>();
  const totals: Record<string, number> = {};
  let depth = 0;
  let key: string | undefined;
  let expectKey = false;
  let capture: Capture | undefined;
  let sawRoot = false;

  const startCapture = (field: string, array: boolean): Capture => {
    const parser = new TokenParser({ paths: ['$'], keepStack: false, ...(array ? { separator: '' } : {}) });
    if (array) {
      const keeper = keeperFor(field);
      keepers.set(field, keeper);
      totals[field] = 0;
      parser.onValue = ({ value }) => {
        totals[field] = (totals[field] ?? 0) + 1;
        keeper.add(value);
      };
    } else {
      parser.onValue = ({ value }) => {
        fields[field] = value;
      };
    }
    return { field, parser, array };
  };

  const onToken = ({ token, value }: Token) => {
    if (OPENERS.has(token)) depth += 1;
    else if (CLOSERS.has(token)) depth -= 1;
    if (!sawRoot) {
      if (token !== TokenType.LEFT_BRACE) throw new NotJsonObjectError('the document is not a JSON object');
      sawRoot = true;
      expectKey = true;
      return;
    }
    if (capture) {
      const closing = CLOSERS.has(token) && depth === 1;
      const separator = token === TokenType.COMMA && depth === 2;
      if (capture.array ? !closing && !separator : true) capture.parser.write({ token, value });
      if (closing) {
        if (capture.array) fields[capture.field] = keepers.get(capture.field)?.rows() ?? [];
        capture = undefined;
      }
      return;
    }
    if (depth !== 1) return; // the root's closing brace
    if (token === TokenType.COMMA) expectKey = true;
    else if (token === TokenType.COLON) return;
    else if (expectKey && token === TokenType.STRING) {
      key = String(value);
      expectKey = false;
    } else if (key !== undefined) fields[key] = value;
  };

  const tokenizer = new Tokenizer();
  tokenizer.onToken = (info) => {
    const opensField = OPENERS.has(info.token) && depth === 1 && sawRoot && !capture && key !== undefined;
    if (opensField) {
      capture = startCapture(key!, info.token === TokenType.LEFT_BRACKET);
      depth += 1;
      if (!capture.array) capture.parser.write({ token: info.token, value: info.value });
      return;
    }
    onToken(info);
  };
  for await (const chunk of chunks) tokenizer.write(chunk);
  if (!tokenizer.isEnded) tokenizer.end();
  if (!sawRoot || depth !== 0) throw new NotJsonObjectError('the document ended before its JSON object did');
  return { document: fields, totals };
}

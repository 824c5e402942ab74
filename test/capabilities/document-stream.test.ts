import { describe, expect, it } from 'vitest';
import { summarizeFeedReport } from '../../src/capabilities/read-helpers/feed-report.js';
import { summarizeFeedReportStream } from '../../src/capabilities/read-helpers/feed-report-stream.js';
import { decodedChunks } from '../../src/capabilities/read-helpers/document-text.js';
import { streamJsonObject } from '../../src/capabilities/read-helpers/json-stream.js';
import { firstRows, lowestRanked } from '../../src/capabilities/read-helpers/row-keepers.js';
import { searchTermsKeeper } from '../../src/capabilities/reports/search-terms.js';
import { readAmazonModelText } from '../helpers/amazon-models.js';

/** Documents streamed in small pieces: every value, multi-byte character and tag may straddle two chunks. */
async function* pieces(bytes: Buffer, size: number) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('streamed JSON documents', () => {
  const doc = { reportSpecification: { reportType: 'X', marketplaceIds: ['M'] }, errorDetails: 'Müller 日本', n: 5, ok: true, none: null, rows: [{ q: 1 }, 2, 'é"', [1, 2], { q: { deep: [3] } }], empty: [] };

  it.each([1, 3, 7, 4096])('reads a JSON object fed %i bytes at a time, keeping what the keeper keeps of each top-level array', async (size) => {
    const streamed = await streamJsonObject(pieces(Buffer.from(JSON.stringify(doc)), size), () => firstRows(3));
    expect(streamed.document).toEqual({ ...doc, rows: doc.rows.slice(0, 3) });
    expect(streamed.totals).toEqual({ rows: 5, empty: 0 });
  });

  it('drops a UTF-8 byte-order mark and decodes UTF-16 or a declared charset on the way', async () => {
    const text = JSON.stringify(doc);
    const withBom = (bom: number[], body: Buffer) => pieces(Buffer.concat([Buffer.from(bom), body]), 5);
    expect((await streamJsonObject(decodedChunks(withBom([0xef, 0xbb, 0xbf], Buffer.from(text))), () => firstRows(9))).document).toEqual(doc);
    expect((await streamJsonObject(decodedChunks(withBom([0xff, 0xfe], Buffer.from(text, 'utf16le'))), () => firstRows(9))).document).toEqual(doc);
    const latin1 = Buffer.from('{"name":"M\u00fcller"}', 'latin1');
    expect((await streamJsonObject(decodedChunks(pieces(latin1, 2), { charset: 'iso-8859-1' }), () => firstRows(9))).document).toEqual({ name: 'Müller' });
  });

  it('refuses a document that is not one JSON object', async () => {
    await expect(streamJsonObject(pieces(Buffer.from('[1,2]'), 2), () => firstRows(1))).rejects.toThrow(/not a JSON object/);
    await expect(streamJsonObject(pieces(Buffer.from('{"a":[1,2'), 2), () => firstRows(1))).rejects.toThrow();
  });

  it('keeps the lowest ranks of a long array in rank order, and search terms rows on own ASINs first', () => {
    const keeper = lowestRanked(3, (row) => row as number);
    for (const n of [9, 4, 7, 1, 8, 2, 6]) keeper.add(n);
    expect(keeper.rows()).toEqual([1, 2, 4]);
    const terms = searchTermsKeeper(new Set(['B0OWN']), 3);
    for (const [rank, asin] of [[5, 'B0X'], [900, 'B0OWN'], [1, 'B0Y'], [2, 'B0Z'], [3, 'B0W']] as const) terms.add({ searchFrequencyRank: rank, clickedAsin: asin });
    expect(terms.rows()).toEqual([
      { searchFrequencyRank: 900, clickedAsin: 'B0OWN' },
      { searchFrequencyRank: 1, clickedAsin: 'B0Y' },
      { searchFrequencyRank: 2, clickedAsin: 'B0Z' },
    ]);
  });
});

describe('streamed feed processing reports summarise as the whole document does', () => {
  const issues = Array.from({ length: 40 }, (_, i) => ({ messageId: i + 1, sku: `S${i}`, code: '1', severity: i % 7 === 0 ? 'ERROR' : 'WARNING', message: `m${i}` }));
  const xml = `<?xml version="1.0"?><AmazonEnvelope><Message><ProcessingReport><ProcessingSummary><MessagesProcessed>30</MessagesProcessed><MessagesSuccessful>20</MessagesSuccessful><MessagesWithError>10</MessagesWithError><MessagesWithWarning>0</MessagesWithWarning></ProcessingSummary>${Array.from(
    { length: 30 },
    (_, i) => `<Result><MessageID>${i}</MessageID><ResultCode>${i % 3 ? 'Warning' : 'Error'}</ResultCode><ResultMessageCode>5000</ResultMessageCode><ResultDescription>Price &lt; ${i}</ResultDescription><AdditionalInfo><SKU>S-${i}</SKU></AdditionalInfo></Result>`,
  ).join('\n')}</ProcessingReport></Message></AmazonEnvelope>`;
  const samples: [string, string][] = [
    ['JSON with many issues', JSON.stringify({ header: {}, issues, summary: { errors: 6, warnings: 34, messagesProcessed: 40 } })],
    ['XML', xml],
    ['text', '  col1\tcol2\n'],
    ['broken JSON', '{"issues": ['],
    ["Amazon's example", readAmazonModelText('listings-feed-processing-report-schema-v2.example.json')],
  ];

  it.each(samples)('%s', async (_name, text) => {
    for (const size of [3, 64, 100_000]) {
      expect(await summarizeFeedReportStream(pieces(Buffer.from(text), size), undefined)).toEqual(summarizeFeedReport(text));
    }
  });
});

/**
 * A Brand Analytics search terms report the size Amazon's are: the whole marketplace, about 12
 * million rows and hundreds of MB to GB of JSON for one week (docs#2111, docs#2743, docs#3063).
 * With `searchTermsRows` set, the simulator answers a report of that many rows, generated and
 * gzipped as it is read, so even a 200 MB document is never a string in memory. Rows follow
 * sellingPartnerSearchTermsReport.json; ranks are a permutation of 1..rows in scrambled order, and
 * every 997th row was clicked on one of the seller's own ASINs (with a poor rank).
 */
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { marketplace } from './marketplaces.js';
import { spec } from './report-brand-analytics.js';
import type { ReportRecord, SellerState } from './state.js';

const BATCH_ROWS = 1_000;
export const OWN_ASIN_EVERY = 997;

/** A multiplier coprime to `rows`, so i → (i × m) mod rows visits every rank once. */
function scramble(rows: number): number {
  for (const m of [7919, 7907, 7901, 1]) if (rows % m !== 0 || m === 1) return m;
  return 1;
}

export function searchTermsRow(i: number, rows: number, department: string, ownAsins: readonly string[]): Record<string, unknown> {
  const own = ownAsins.length > 0 && i % OWN_ASIN_EVERY === OWN_ASIN_EVERY - 1;
  const rank = own ? rows - Math.floor(i / OWN_ASIN_EVERY) : ((i * scramble(rows)) % rows) + 1;
  return {
    departmentName: department,
    searchTerm: `search term ${i}`,
    searchFrequencyRank: rank,
    clickedAsin: own ? ownAsins[Math.floor(i / OWN_ASIN_EVERY) % ownAsins.length] : `B0${String((i * 2_654_435_761) % 100_000_000).padStart(8, '0')}`,
    clickedItemName: `Generated item ${i % 5_000} with a realistic length of product title text`,
    clickShareRank: (i % 3) + 1,
    clickShare: Math.round(((i % 97) / 97) * 10_000) / 10_000,
    conversionShare: Math.round(((i % 89) / 89) * 10_000) / 10_000,
  };
}

export function searchTermsDocumentStream(report: ReportRecord, seller: SellerState, start: number, end: number, rows: number): Readable {
  const mp = report.marketplaceIds[0] as string;
  const department = marketplace(mp)?.name ?? 'Amazon.com';
  const ownAsins = [...new Set([...seller.listings.values()].map((l) => l.asin))];
  const head = JSON.stringify({ reportSpecification: spec(report, start, end, { ...report.reportOptions }) }).slice(0, -1);
  async function* generate() {
    yield `${head},"dataByDepartmentAndSearchTerm":[`;
    for (let from = 0; from < rows; from += BATCH_ROWS) {
      const batch: string[] = [];
      for (let i = from; i < Math.min(rows, from + BATCH_ROWS); i += 1) batch.push(JSON.stringify(searchTermsRow(i, rows, department, ownAsins)));
      yield (from === 0 ? '' : ',') + batch.join(',');
    }
    yield ']}';
  }
  return Readable.from(generate()).pipe(createGzip({ level: 1 }));
}

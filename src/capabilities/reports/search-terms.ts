import { encodePathSegment } from '../../spapi/types.js';
import type { RowKeeper, StreamedDocument } from '../read-helpers/json-stream.js';
import { num, record, records, str, type Json } from '../read-helpers/json.js';
import { lowestRanked } from '../read-helpers/row-keepers.js';
import type { Ctx } from './amazon.js';

/**
 * GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT covers the whole marketplace: about 12 million rows,
 * hundreds of MB to GB of JSON for one week (docs#2111, docs#2743, docs#3063). While it streams the
 * broker keeps a bounded, useful slice: first the rows whose clickedAsin is one of the seller's own
 * ASINs, then the most searched terms (lowest searchFrequencyRank), SEARCH_TERMS_MAX_ROWS in all
 * (about 250 bytes a row: well under 1 MB). The answer says `total_rows` and `truncated`.
 */
export const SEARCH_TERMS_MAX_ROWS = 2_000;
export const SEARCH_TERMS_FIELD = 'dataByDepartmentAndSearchTerm';

/** How many listing pages (20 SKUs each) are read to learn the seller's ASINs, and for how long they are kept. */
const OWN_ASIN_PAGES = 5;
const OWN_ASINS_TTL_MS = 60 * 60_000;

const rankOf = (row: unknown) => num(record(row).searchFrequencyRank) ?? Number.POSITIVE_INFINITY;

export function searchTermsKeeper(ownAsins: ReadonlySet<string>, limit = SEARCH_TERMS_MAX_ROWS): RowKeeper {
  const own = lowestRanked(limit, rankOf);
  const others = lowestRanked(limit, rankOf);
  return {
    add: (row) => (ownAsins.has(str(record(row).clickedAsin) ?? '') ? own : others).add(row),
    rows: () => {
      const mine = own.rows();
      return [...mine, ...others.rows().slice(0, limit - mine.length)];
    },
  };
}

export function renderSearchTerms({ document, totals }: StreamedDocument, ownAsins: ReadonlySet<string>): Json {
  const rows = Array.isArray(document[SEARCH_TERMS_FIELD]) ? (document[SEARCH_TERMS_FIELD] as unknown[]) : [];
  const total = totals[SEARCH_TERMS_FIELD] ?? rows.length;
  return {
    report: document,
    total_rows: total,
    returned_rows: rows.length,
    own_asin_rows: rows.filter((row) => ownAsins.has(str(record(row).clickedAsin) ?? '')).length,
    truncated: total > rows.length,
  };
}

/**
 * The seller's own ASINs in the marketplace, from the first OWN_ASIN_PAGES pages of its listings
 * (searchListingsItems, 5 rps), kept an hour per seller and marketplace. A failure only costs the
 * ordering, so it answers an empty set.
 */
export async function ownAsins(ctx: Ctx): Promise<Set<string>> {
  const key = `reports:own-asins:${ctx.connection.region}:${ctx.connection.sellingPartnerId}:${ctx.marketplace.id}`;
  const cached = await ctx.services.store.get(key).catch(() => null);
  if (cached) {
    try {
      return new Set(JSON.parse(cached) as string[]);
    } catch {
      // corrupt entry: ask Amazon again
    }
  }
  const asins = new Set<string>();
  let pageToken: string | undefined;
  try {
    for (let page = 0; page < OWN_ASIN_PAGES; page += 1) {
      const response = await ctx.amazon.call<Json>({
        operation: 'searchListingsItems',
        method: 'GET',
        path: `/listings/2021-08-01/items/${encodePathSegment(ctx.connection.sellingPartnerId)}`,
        query: { marketplaceIds: [ctx.marketplace.id], includedData: ['summaries'], pageSize: 20, pageToken },
      });
      const body = record(response.body);
      for (const item of records(body.items)) {
        for (const summary of records(item.summaries)) {
          const asin = str(summary.asin);
          if (asin) asins.add(asin);
        }
      }
      pageToken = str(record(body.pagination).nextToken);
      if (!pageToken) break;
    }
  } catch (error) {
    ctx.log.warn({ err: error }, 'could not list the seller\'s ASINs; search terms are ranked without them');
    return asins;
  }
  await ctx.services.store.set(key, JSON.stringify([...asins]), OWN_ASINS_TTL_MS).catch(() => {});
  return asins;
}

/**
 * Seeded order data: deterministic per (seller, marketplace, hour) for the last two years, in the
 * marketplace currency (minor units). Sales API buckets and the Sales and Traffic report both sum it.
 */
import { currencyDecimals, marketplace } from './marketplaces.js';
import { hash32, unit } from './random.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** Seeded data reaches a little further back than the 2-year API limit, so boundary days are full. */
export const TWO_YEARS_MS = 733 * DAY;

/** Amazon's "2 years from now" limit (calendar years, one day of grace for time zones). */
export function twoYearsAgo(now = Date.now()): number {
  const d = new Date(now);
  d.setUTCFullYear(d.getUTCFullYear() - 2);
  return d.getTime() - DAY;
}

export interface Totals {
  orders: number;
  items: number;
  units: number;
  /** Sales in minor units of the marketplace currency (cents; yen). */
  salesMinor: number;
}

const SCALE: Record<string, number> = { US: 1, CA: 0.3, MX: 0.2, GB: 0.6, DE: 0.7, FR: 0.45, JP: 0.5 };
const UNIT_PRICE: Record<string, number> = { USD: 24, CAD: 32, MXN: 430, GBP: 19, EUR: 22, JPY: 3600, BRL: 120, SEK: 250, PLN: 95, TRY: 780, INR: 1990, AUD: 36, SGD: 32, AED: 88, SAR: 90, EGP: 1100, ZAR: 430 };

export const emptyTotals = (): Totals => ({ orders: 0, items: 0, units: 0, salesMinor: 0 });

interface Series {
  seed: number;
  dailyOrders: number;
  unitPriceMinor: number;
}

const seriesCache = new Map<string, Series>();

function series(sellerId: string, marketplaceId: string): Series {
  const key = `${sellerId}|${marketplaceId}`;
  let s = seriesCache.get(key);
  if (!s) {
    const m = marketplace(marketplaceId);
    const seed = hash32(key);
    const currency = m?.defaultCurrencyCode ?? 'USD';
    const decimals = currencyDecimals(currency);
    s = {
      seed,
      dailyOrders: 36 * (SCALE[m?.countryCode ?? ''] ?? 0.2) * (0.6 + unit(seed, 1)),
      unitPriceMinor: (UNIT_PRICE[currency] ?? 24) * 10 ** decimals,
    };
    seriesCache.set(key, s);
  }
  return s;
}

/** Totals of one hour (hourIndex = floor(epochMs / 1h)); zero outside [now − 2 years, now). */
export function hourTotals(sellerId: string, marketplaceId: string, hourIndex: number, now = Date.now()): Totals {
  const t = hourIndex * HOUR;
  if (t >= now - (now % HOUR) || t < now - TWO_YEARS_MS) return emptyTotals();
  const s = series(sellerId, marketplaceId);
  const day = Math.floor(hourIndex / 24);
  const date = new Date(t);
  const dow = date.getUTCDay();
  const month = date.getUTCMonth();
  const hourOfDay = date.getUTCHours();
  const growth = 1 + 0.0005 * (day - 19_000);
  const weekly = 1 + 0.12 * Math.sin((2 * Math.PI * dow) / 7);
  const seasonal = month === 10 ? 1.35 : month === 11 ? 1.6 : month === 0 ? 0.85 : 1;
  const daily = 0.55 + 0.9 * Math.max(0, Math.sin((Math.PI * (hourOfDay + 2)) / 24)) ** 2;
  const lambda = (s.dailyOrders / 24) * growth * weekly * seasonal * daily * 1.05;
  const u1 = unit(s.seed, hourIndex * 5);
  const u2 = unit(s.seed, hourIndex * 5 + 1);
  const expected = lambda * (0.4 + 1.2 * u1);
  const orders = Math.floor(expected) + (u2 < expected - Math.floor(expected) ? 1 : 0);
  if (orders === 0) return emptyTotals();
  const items = orders + (unit(s.seed, hourIndex * 5 + 2) < 0.22 ? Math.ceil(orders / 3) : 0);
  const units = items + (unit(s.seed, hourIndex * 5 + 3) < 0.3 ? Math.ceil(items / 2) : 0);
  const price = Math.round(s.unitPriceMinor * (0.8 + 0.4 * unit(s.seed, hourIndex * 5 + 4)));
  return { orders, items, units, salesMinor: units * price };
}

/** Sum of the hours that start in [startMs, endMs). */
export function sumRange(sellerId: string, marketplaceId: string, startMs: number, endMs: number, now = Date.now()): Totals {
  const out = emptyTotals();
  const from = Math.max(Math.ceil(startMs / HOUR), Math.floor((now - TWO_YEARS_MS) / HOUR));
  const to = Math.min(Math.ceil(endMs / HOUR), Math.ceil(now / HOUR));
  for (let h = from; h < to; h++) {
    const t = hourTotals(sellerId, marketplaceId, h, now);
    out.orders += t.orders;
    out.items += t.items;
    out.units += t.units;
    out.salesMinor += t.salesMinor;
  }
  return out;
}

export function scaleTotals(t: Totals, f: number): Totals {
  if (f === 1) return t;
  return { orders: Math.round(t.orders * f), items: Math.round(t.items * f), units: Math.round(t.units * f), salesMinor: Math.round(t.salesMinor * f) };
}

/** Minor units → Amazon decimal string. */
export function formatMinor(minor: number, currency: string): string {
  const d = currencyDecimals(currency);
  return d === 0 ? String(Math.round(minor)) : (minor / 10 ** d).toFixed(d);
}

export function minorToNumber(minor: number, currency: string): number {
  const d = currencyDecimals(currency);
  return Math.round(minor) / 10 ** d;
}

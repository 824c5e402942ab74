/**
 * Defensive readers for Amazon's JSON: the models mark many fields optional and Amazon adds new
 * ones over time, so handlers pick what they need field by field and never trust a shape.
 */
export type Json = Record<string, unknown>;

export const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

export const record = (value: unknown): Json => (isRecord(value) ? value : {});

export const records = (value: unknown): Json[] => (Array.isArray(value) ? value.filter(isRecord) : []);

export const str = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);

export const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/** A finite number, also from Amazon's decimal strings (Money.amount is a string in the v1 APIs). */
export function num(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
}

/** Drops undefined values so answers carry only the fields Amazon gave. */
export function compact<T extends Json>(value: T): T {
  for (const key of Object.keys(value)) if (value[key] === undefined) delete value[key];
  return value;
}

export interface Money {
  amount: number;
  currency_code: string;
}

/** Amazon Money (`{amount, currencyCode}`; amount a decimal string or a number) as the broker's snake_case money. */
export function money(value: unknown, fallbackCurrency?: string): Money | undefined {
  const m = record(value);
  const amount = num(m.amount);
  const currency = str(m.currencyCode) ?? str(m.currency_code) ?? fallbackCurrency;
  return amount === undefined || currency === undefined ? undefined : { amount, currency_code: currency };
}

/** Rounds away binary-float noise in sums of decimal amounts (4 places covers every currency). */
export const roundAmount = (amount: number, places = 4) => {
  const f = 10 ** places;
  return Math.round(amount * f) / f;
};

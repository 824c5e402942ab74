import { invalidRequest } from '../errors.js';

/**
 * Date-time intervals for the Sales API `getOrderMetrics` (docs/amazon.md#sales): two absolute instants
 * (Z or offset notation) joined by `--`, and a `granularityTimeZone` that must agree with the
 * offsets — UTC for Z notation, otherwise an IANA zone with exactly those offsets at those instants.
 */
export interface Instant {
  ms: number;
  /** Minutes east of UTC. */
  offsetMinutes: number;
  zulu: boolean;
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?([Zz]|[+-]\d{2}:?\d{2})?$/;

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** A plain YYYY-MM-DD is midnight UTC; a date-time must say Z or its offset (Amazon wants absolute time). */
export function parseInstant(text: string, field: string): Instant {
  const bad = (why: string) => invalidRequest(`${field.replace(/^params\./, '')} ${why}`, { field });
  const dateOnly = DATE_ONLY.exec(text);
  const m = dateOnly ?? DATE_TIME.exec(text);
  if (!m) throw bad('must be an ISO 8601 date-time with Z or an offset, e.g. 2026-01-01T00:00:00-08:00, or a date YYYY-MM-DD');
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = dateOnly ? [0, 0, 0] : [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  const fraction = dateOnly ? 0 : Math.floor(Number(`0${m[7] ?? '.0'}`) * 1000);
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, fraction);
  const check = new Date(utc);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) throw bad('is not a valid date');
  const zone = dateOnly ? 'Z' : m[8];
  if (zone === undefined) throw bad('needs a time zone: end it with Z or an offset such as -08:00 (Amazon requires absolute time)');
  if (zone.toUpperCase() === 'Z') return { ms: utc, offsetMinutes: 0, zulu: true };
  const digits = zone.slice(1).replace(':', '');
  const offsetHours = Number(digits.slice(0, 2));
  const offsetMins = Number(digits.slice(2));
  if (offsetHours > 14 || offsetMins > 59) throw bad('has an invalid UTC offset');
  const offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (offsetHours * 60 + offsetMins);
  return { ms: utc - offsetMinutes * 60_000, offsetMinutes, zulu: false };
}

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');

/** The instant as Amazon wants it: seconds precision, in the notation (and offset) it was given. */
export function formatInstant(instant: Instant): string {
  const local = new Date(instant.ms + instant.offsetMinutes * 60_000).toISOString();
  const base = instant.ms % 1000 === 0 ? local.slice(0, 19) : local.slice(0, 23);
  if (instant.zulu) return `${base}Z`;
  const o = instant.offsetMinutes;
  return `${base}${o < 0 ? '-' : '+'}${pad(Math.trunc(o / 60))}:${pad(o % 60)}`;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The UTC offset (minutes east) of an IANA zone at an instant, with Intl only. */
export function zoneOffsetMinutes(zone: string, ms: number): number {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

const matches = (zone: string, instants: readonly Instant[]) => {
  try {
    return instants.every((i) => zoneOffsetMinutes(zone, i.ms) === i.offsetMinutes);
  } catch {
    return false;
  }
};

/** `Etc/GMT±N` for a whole-hour offset; the sign is POSIX-inverted (UTC−5 is Etc/GMT+5). */
export function fixedZone(offsetMinutes: number): string | undefined {
  if (offsetMinutes % 60 !== 0 || offsetMinutes < -12 * 60 || offsetMinutes > 14 * 60) return undefined;
  const hours = offsetMinutes / 60;
  return hours === 0 ? 'UTC' : `Etc/GMT${hours > 0 ? '-' : '+'}${Math.abs(hours)}`;
}

/**
 * The granularityTimeZone for these instants: UTC for Z notation; for offsets the marketplace's own
 * zone when it has those offsets then (DST-aware, so days match Seller Central), else a fixed
 * Etc/GMT±N zone, else any IANA zone with those offsets. Undefined when no zone fits.
 */
export function resolveTimeZone(instants: readonly Instant[], preferredZone: string): string | undefined {
  if (instants.some((i) => i.zulu)) return instants.every((i) => i.offsetMinutes === 0) ? 'UTC' : undefined;
  if (matches(preferredZone, instants)) return preferredZone;
  const first = instants[0];
  if (first && instants.every((i) => i.offsetMinutes === first.offsetMinutes)) {
    const fixed = fixedZone(first.offsetMinutes);
    if (fixed) return fixed;
  }
  return Intl.supportedValuesOf('timeZone').find((zone) => matches(zone, instants));
}

/** Amazon's "two years from now" limit, in calendar years. */
export function twoYearsBefore(now: number): number {
  const d = new Date(now);
  d.setUTCFullYear(d.getUTCFullYear() - 2);
  return d.getTime();
}

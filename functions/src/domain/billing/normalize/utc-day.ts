/**
 * Turns a FOCUS timestamp cell into its UTC day (YYYY-MM-DD).
 *
 * FOCUS requires ISO 8601 in UTC, but real files differ: the FOCUS 1.0 sample writes
 * `2024-09-18 23:00:00` (space, no zone), the 1.2 spec examples mix `2023-01-01T00:00:00Z` and
 * spreadsheet dates `4/1/25` (US month/day/year), Azure EA exports write `09/01/2023`.
 * A value without a zone is taken as UTC, as FOCUS prescribes for ChargePeriodStart.
 */
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?\s*(Z|UTC|[+-]\d{2}:?\d{2})?$/i;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AP]M)?)?$/i;

interface Parts {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
  offsetMinutes: number;
}

function fromIso(m: RegExpExecArray): Parts {
  const zone = m[7]?.toUpperCase();
  let offsetMinutes = 0;
  if (zone && zone !== "Z" && zone !== "UTC") {
    const sign = zone.startsWith("-") ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
  }
  return {
    y: Number(m[1]),
    mo: Number(m[2]),
    d: Number(m[3]),
    h: Number(m[4] ?? 0),
    mi: Number(m[5] ?? 0),
    s: Number(m[6] ?? 0),
    offsetMinutes,
  };
}

function fromUs(m: RegExpExecArray): Parts {
  const yy = m[3] ?? "";
  let h = Number(m[4] ?? 0);
  const ampm = m[7]?.toUpperCase();
  if (ampm === "PM" && h < 12) h += 12;
  if (ampm === "AM" && h === 12) h = 0;
  return {
    y: yy.length === 2 ? 2000 + Number(yy) : Number(yy),
    mo: Number(m[1]),
    d: Number(m[2]),
    h,
    mi: Number(m[5] ?? 0),
    s: Number(m[6] ?? 0),
    offsetMinutes: 0,
  };
}

function valid(p: Parts): boolean {
  if (p.mo < 1 || p.mo > 12 || p.d < 1 || p.h > 23 || p.mi > 59 || p.s > 59) return false;
  const daysInMonth = new Date(Date.UTC(p.y, p.mo, 0)).getUTCDate();
  return p.d <= daysInMonth;
}

/** The UTC instant of a timestamp cell in epoch milliseconds, or null when it is not a date. */
export function parseUtcInstant(text: string): number | null {
  const t = text.trim();
  const iso = ISO.exec(t);
  const us = iso ? null : US.exec(t);
  const parts = iso ? fromIso(iso) : us ? fromUs(us) : null;
  if (!parts || !valid(parts)) return null;
  return Date.UTC(parts.y, parts.mo - 1, parts.d, parts.h, parts.mi, parts.s) - parts.offsetMinutes * 60_000;
}

/** The UTC day (YYYY-MM-DD) of a timestamp cell, or null when it is not a date. */
export function parseUtcDay(text: string): string | null {
  const ms = parseUtcInstant(text);
  return ms === null ? null : new Date(ms).toISOString().slice(0, 10);
}

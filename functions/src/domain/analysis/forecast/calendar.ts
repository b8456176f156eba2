/** UTC calendar arithmetic on epoch day numbers; cost days are calendar days, never local time. */
const MS_PER_DAY = 86_400_000;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

export function toEpochDay(date: string): number {
  if (!ISO_DAY.test(date)) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) {
    throw new RangeError(`not a calendar date: ${JSON.stringify(date)}`);
  }
  return ms / MS_PER_DAY;
}

/** True for a real YYYY-MM-DD calendar day (rejects 2025-02-30 and 2025-13-01). */
export function isCalendarDay(date: string): boolean {
  if (!ISO_DAY.test(date)) return false;
  const ms = Date.parse(`${date}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === date;
}

export function fromEpochDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** 0 = Sunday ... 6 = Saturday (1970-01-01 was a Thursday). */
export function dayOfWeek(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

export interface MonthPosition {
  dayOfMonth: number; // 1..31
  daysToMonthEnd: number; // 0 on the last day of the month
}

/**
 * Civil date of an epoch day without allocating a Date (Howard Hinnant's `civil_from_days`,
 * http://howardhinnant.github.io/date_algorithms.html); the models call this millions of times.
 */
function civilFromDays(day: number): { y: number; m: number; d: number } {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function monthPosition(day: number): MonthPosition {
  const { y, m, d } = civilFromDays(day);
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const daysInMonth = m === 2 && leap ? 29 : (DAYS_IN_MONTH[m - 1] ?? 31);
  return { dayOfMonth: d, daysToMonthEnd: daysInMonth - d };
}

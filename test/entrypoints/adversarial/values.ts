import fc from "fast-check";
import { MONEY_LIMITS } from "#domain/billing/money.js";

/**
 * Schema-VALID adversarial values: what a strict schema lets through that code downstream may
 * still choke on. Unicode that is hard on storage and rendering (combining stacks, bidi
 * overrides, emoji sequences, NUL, lone surrogates, line separators), strings exactly at their
 * maximum length, extreme decimals inside the money bounds (MONEY_LIMITS), calendar edges.
 */

/** Pieces of text that are legal in a free string and awkward everywhere else. */
const PIECES = [
  "a",
  "Z",
  " ",
  "\u0301\u0301\u0301\u0336\u20dd\u0489", // a stack of combining marks
  "\u202e", // right-to-left override
  "\u200f\u061c", // RTL mark, Arabic letter mark
  "שלום",
  "مرحبا",
  "👩‍👩‍👧‍👦",
  "🏳️‍🌈",
  "🧑🏽‍💻",
  "\u{1f4a9}",
  "\u0000",
  "\u2028",
  "\u2029",
  "\ufeff",
  "\u200b",
  "\ud800", // lone high surrogate
  "\udfff", // lone low surrogate
  "\\",
  '"',
  "\n",
  "\r\n",
  "\t",
  "%00",
  "$\x7bx}",
  "{{7*7}}",
  "&lt;",
  "<b>",
  "</b>",
  "<",
  ">",
  "&",
  "𝕬",
  "İ",
  "ß",
  "ﬁ",
  "Ω",
];

/** Pieces without NUL, for fields stored where a NUL is not a string character (ids, keys). */
const NO_NUL = PIECES.filter((p) => !p.includes("\u0000"));

/** Exactly `n` UTF-16 code units of `piece` repeated (the last copy cut, perhaps mid-pair). */
function fill(piece: string, n: number): string {
  return piece.repeat(Math.ceil(n / piece.length)).slice(0, n);
}

/**
 * Text from `min` to `max` UTF-16 code units (zod's `.max` counts code units), often exactly
 * `max`; `nul: false` leaves out NUL.
 */
export function text(min: number, max: number, opts: { nul?: boolean } = {}): fc.Arbitrary<string> {
  const pieces = opts.nul === false ? NO_NUL : PIECES;
  const mixed = fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 24 }).map((ps) => ps.join(""));
  const atMax = fc.constantFrom(...pieces).map((p) => fill(p, max));
  const combining = fc.constant(`a${"\u0301".repeat(Math.max(0, max - 1))}`);
  const anyUnicode = fc.string({ unit: "binary", minLength: Math.min(min, 64), maxLength: Math.min(max, 64) });
  return fc
    .oneof({ arbitrary: mixed, weight: 4 }, { arbitrary: atMax, weight: 2 }, { arbitrary: combining, weight: 1 }, { arbitrary: anyUnicode, weight: 2 })
    .map((s) => (s.length > max ? s.slice(0, max) : s.length < min ? fill(`${s}a`, min) : s))
    .filter((s) => opts.nul !== false || !s.includes("\u0000"));
}

/** Strings of a restricted alphabet (ids, keys) at their edges: the longest, dots, tildes, dashes. */
export function idLike(alphabet: string, max: number, specials: readonly string[] = []): fc.Arbitrary<string> {
  const chars = [...alphabet];
  return fc.oneof(
    fc.constantFrom(...specials, fill(chars.join(""), max), fill(chars.at(-1) ?? "a", max), "__proto__", "constructor", "prototype"),
    fc.array(fc.constantFrom(...chars), { minLength: 1, maxLength: max }).map((cs) => cs.join("")),
  );
}

/** Decimal strings inside MONEY_LIMITS, at their edges: 26 integer digits, 64 characters, exponents ±64. */
export const money: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "9".repeat(MONEY_LIMITS.maxIntegerDigits),
    `${"9".repeat(MONEY_LIMITS.maxIntegerDigits)}.${"9".repeat(MONEY_LIMITS.maxLength - MONEY_LIMITS.maxIntegerDigits - 1)}`,
    "1e-64",
    "1E-64",
    `${"1".repeat(26)}e-64`,
    "9.9999999999999999999999999e25",
    "1e25",
    "1E+25",
    "0.000000000001",
    "0.0000000000001",
    ".5",
    "5.",
    " 7 ",
    `${"0".repeat(63)}1`,
    "0.1",
    "1e0",
    "0e64",
    "-0",
    "0",
    "123456789012345678901234.56",
  ),
  fc
    .tuple(fc.bigInt({ min: 1n, max: 10n ** 26n - 1n }), fc.integer({ min: 0, max: 30 }))
    .map(([digits, scale]) => {
      const s = digits.toString().padStart(scale + 1, "0");
      return scale === 0 ? s : `${s.slice(0, -scale)}.${s.slice(-scale)}`;
    }),
);

/** Real calendar days at the edges: leap days, century years, the first and last representable. */
export const calendarDay: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("0000-01-01", "0001-01-01", "1969-12-31", "1970-01-01", "2000-02-29", "2024-02-29", "2100-02-28", "2026-12-31", "9999-12-31"),
  fc.date({ min: new Date("1900-01-01T00:00:00Z"), max: new Date("2199-12-31T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
);

/** A day `0..span` days after `day` (same format), or `day` itself when that leaves year 9999. */
export function dayAfter(day: string, span: number): string {
  const t = Date.parse(`${day}T00:00:00Z`) + span * 86_400_000;
  const next = new Date(t).toISOString().slice(0, 10);
  return /^\d{4}-\d{2}-\d{2}$/.test(next) ? next : day;
}

/** Numbers JSON carries that are awkward downstream. */
export const awkwardNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(0, -0, 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, 0.1 + 0.2),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** A record with up to `maxKeys` keys (often exactly that many) from `key` to `value`. */
export function bigRecord<V>(key: fc.Arbitrary<string>, value: fc.Arbitrary<V>, maxKeys: number): fc.Arbitrary<Record<string, V>> {
  const many = fc.tuple(key, value).map(([k, v]) => Object.fromEntries(Array.from({ length: maxKeys }, (_, i) => [`${k.slice(0, 48)}${i}`, v])));
  return fc.oneof(fc.dictionary(key, value, { maxKeys: Math.min(maxKeys, 8) }), many);
}

/** An array of up to `max` items (often exactly `max` copies of one adversarial item). */
export function bigArray<T>(item: fc.Arbitrary<T>, min: number, max: number): fc.Arbitrary<T[]> {
  return fc.oneof(
    fc.array(item, { minLength: min, maxLength: Math.min(max, 6) }),
    item.map((x) => Array.from({ length: max }, () => x)),
  );
}

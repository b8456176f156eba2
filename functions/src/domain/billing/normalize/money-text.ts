import { isDecimal, toDecimal } from "../money.js";

// Spreadsheet-exported FOCUS examples (FOCUS_Spec v1.2 saas_examples) carry amounts such as
// `"$10,000.00 "`: a dollar sign, thousands separators and a trailing space. Anything looser
// (misplaced commas, two points, letters) is refused so that a bad amount never becomes 0.
const GROUPED = /^\d{1,3}(,\d{3})+(\.\d*)?$/;

/** Parses a money or quantity cell into a canonical decimal string; null when it is not a number. */
export function parseDecimalText(text: string): string | null {
  let t = text.trim();
  let sign = "";
  if (t.startsWith("-") || t.startsWith("+")) {
    sign = t[0] === "-" ? "-" : "";
    t = t.slice(1).trimStart();
  }
  if (t.startsWith("$")) t = t.slice(1).trimStart();
  if (t.includes(",")) {
    if (!GROUPED.test(t)) return null;
    t = t.replaceAll(",", "");
  }
  if (t.startsWith("-") || t.startsWith("+")) return null;
  const candidate = `${sign}${t}`;
  return isDecimal(candidate) ? toDecimal(candidate) : null;
}

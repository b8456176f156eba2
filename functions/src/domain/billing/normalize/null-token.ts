/**
 * FOCUS exports spell "no value" in several ways: the 1.0 sample data writes the literal `NULL`,
 * the 1.2 spec examples write `null`, and many files leave the cell empty. All mean null.
 */
export function isNullToken(text: string | null | undefined): boolean {
  if (text === null || text === undefined) return true;
  const t = text.trim();
  return t === "" || t.toLowerCase() === "null";
}

/** The trimmed cell text, or null when the cell is a null token. */
export function cellText(text: string | null | undefined): string | null {
  return isNullToken(text) ? null : (text as string).trim();
}

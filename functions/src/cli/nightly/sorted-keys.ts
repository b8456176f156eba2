/**
 * A copy of a JSON value with every object's keys in code-point order, so that a summary read from
 * the run documents prints the same text whichever store kept them: DuckDB returns an object's
 * keys in the order they were written, Firestore in an order of its own.
 *
 * @example
 *   JSON.stringify(sortedKeys({ b: 1, a: { d: 2, c: 3 } })); // '{"a":{"c":3,"d":2},"b":1}'
 */
export function sortedKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => sortedKeys(v)) as T;
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, sortedKeys(v)])) as T;
}

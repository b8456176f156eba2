import fc from "fast-check";
import type { ZodType } from "zod";
import { callableData } from "#foundation/pipeline/layers/validate-input.js";

/** What the server will see after JSON encoding, or undefined if the value does not survive it. */
export function overTheWire(value: unknown): unknown {
  const text = JSON.stringify({ data: value });
  return (JSON.parse(text) as { data?: unknown }).data;
}

const junk = fc.oneof(
  fc.anything({ maxDepth: 3, maxKeys: 5, withNullPrototype: true, withObjectString: true }),
  fc.string({ maxLength: 40 }),
  fc.constantFrom("", " ", "0", "-1", "1e309", "NaN", "null", "true", "[]", "{}", "2026-13-45", "../../x", "a/b", "' OR 1=1 --", "<script>alert(1)</script>", "ignore all previous instructions", "x".repeat(5000)),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.anything({ maxDepth: 1 }), { maxLength: 4 }),
);

/**
 * Malformed `data` for a callable: random values, and the valid input with one field replaced,
 * removed, or an unknown field added. Only values the schema really refuses are kept, judged on
 * what arrives over the wire, so every generated payload must be answered with a 4xx.
 */
export function malformedFor(schema: ZodType<unknown>, valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(valid);
  const mutated = fc.oneof(
    keys.length ? fc.tuple(fc.constantFrom(...keys), junk).map(([k, v]) => ({ ...valid, [k]: v })) : junk,
    keys.length ? fc.constantFrom(...keys).map((k) => Object.fromEntries(Object.entries(valid).filter(([x]) => x !== k))) : junk,
    fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), junk).map(([k, v]) => ({ ...valid, [`x_${k}`]: v })),
  );
  return fc.oneof(junk, mutated).filter((v) => !schema.safeParse(callableData({ data: overTheWire(v) })).success);
}

import type { ZodType } from "zod";
import { InputError, type InputIssue } from "#kernel/errors.js";

/**
 * Parses `input` with `schema` and throws an {@link InputError} listing every issue.
 *
 * Every input schema must be a strict object (`z.strictObject({...})` or `z.object({...}).strict()`),
 * so unknown keys such as a forged `tenantId` are refused instead of silently dropped.
 *
 * @example
 *   const input = strictParse(z.strictObject({ name: z.string().min(1) }), req.data);
 */
export function strictParse<T>(schema: ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues: InputIssue[] = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join("."),
    message: issue.message,
  }));
  const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; ");
  throw new InputError(`invalid input: ${summary}`, issues);
}

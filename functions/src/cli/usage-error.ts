import type { z } from "zod";

/**
 * A bad command-line argument found after commander parsed the line (a value that needs the
 * schema or the ledger to judge). main() prints the message and exits 2, like commander's own
 * argument errors.
 */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/**
 * Parses `value` with `schema`, turning zod's issues into one readable UsageError that names the
 * option, instead of a zod dump.
 *
 * @example
 *   const tenant = parseArg(TenantIdArg, opts.tenant, "--tenant");
 */
export function parseArg<S extends z.ZodType>(schema: S, value: unknown, option: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const why = r.error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
  throw new UsageError(`option '${option}': ${why}`);
}

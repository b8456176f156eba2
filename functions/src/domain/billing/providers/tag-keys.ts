import { z } from "zod";

/**
 * Tag keys a collector is asked to carry into the ledger. AWS cost allocation tag keys are at
 * most 128 characters, Azure tag names 512; the bound here is the stricter one, and control
 * characters are refused (a key travels into query filters and document fields).
 */
// Unicode's Cc category is exactly the C0 and C1 control characters.
export const TagKeySchema = z.string().regex(/^\P{Cc}{1,128}$/u, "a tag key is 1-128 characters without control characters");

/** At most this many keys per account: the split's queries grow with each key's values. */
export const MAX_TAG_KEYS = 5;

/** Default cap on the extra queries one collection may spend splitting by tags. */
export const DEFAULT_TAG_QUERY_LIMIT = 100;

/**
 * A scope's cap on those queries. Account scopes hold strings only (CloudAccountDoc), so the
 * number travels as decimal digits.
 */
export const TagQueryLimitSchema = z
  .string()
  .regex(/^\d{1,4}$/, "tagQueryLimit is a whole number")
  .transform(Number)
  .pipe(z.number().int().min(1).max(1_000));

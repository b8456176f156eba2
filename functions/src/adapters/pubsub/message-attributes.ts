import { z } from "zod";
import { AppError } from "#kernel/errors.js";

/**
 * Pub/Sub's limits on attributes: at most 100, keys of 1 to 256 bytes that do not start with
 * `goog`, values of at most 1024 bytes.
 */
const bytes = (s: string) => Buffer.byteLength(s, "utf8");
const CallerAttributes = z
  .record(
    z
      .string()
      .refine((k) => bytes(k) >= 1 && bytes(k) <= 256, "attribute keys are 1-256 bytes")
      .refine((k) => !k.toLowerCase().startsWith("goog"), "attribute keys must not start with goog"),
    z.string().refine((v) => bytes(v) <= 1024, "attribute values are at most 1024 bytes"),
  )
  .refine((a) => Object.keys(a).length <= 100, "at most 100 attributes");

/** The fields of a message's data that say whose and which window it is; anything else is ignored. */
const Routing = z.looseObject({
  tenantId: z.string().min(1).max(1024).optional().catch(undefined),
  accountId: z.string().min(1).max(1024).optional().catch(undefined),
  runDate: z.string().min(1).max(1024).optional().catch(undefined),
  page: z
    .looseObject({ start: z.string().min(1).max(1024), end: z.string().min(1).max(1024) })
    .optional()
    .catch(undefined),
});

/**
 * The attributes a message is published with: the caller's, plus `tenantId`, `accountId`,
 * `windowStart`/`windowEnd` (the data's `page`) and `runDate` when the data has them, so that
 * subscriptions can filter and logs can name a message without decoding its data. Where a caller's
 * attribute has one of those names, the data's value wins: the attributes describe the data.
 * Throws `invalid-argument` when the caller's attributes break Pub/Sub's limits.
 *
 * @example
 *   messageAttributes({ tenantId: "t1", accountId: "a1", page: { start: "2026-11-01", end: "2026-11-19" } }, { traceparent: "00-…" })
 *   // { traceparent: "00-…", tenantId: "t1", accountId: "a1", windowStart: "2026-11-01", windowEnd: "2026-11-19" }
 */
export function messageAttributes(data: unknown, caller: Record<string, string> = {}): Record<string, string> {
  const a = CallerAttributes.safeParse(caller);
  if (!a.success) throw new AppError("invalid-argument", `invalid message attributes: ${z.prettifyError(a.error)}`);
  const out: Record<string, string> = { ...a.data };
  const r = Routing.safeParse(data);
  if (!r.success) return out;
  const { tenantId, accountId, runDate, page } = r.data;
  if (tenantId) out.tenantId = tenantId;
  if (accountId) out.accountId = accountId;
  if (page) {
    out.windowStart = page.start;
    out.windowEnd = page.end;
  }
  if (runDate) out.runDate = runDate;
  if (Object.keys(out).length > 100) throw new AppError("invalid-argument", "invalid message attributes: more than 100 with the routing ones");
  return out;
}

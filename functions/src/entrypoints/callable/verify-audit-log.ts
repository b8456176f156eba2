import { z } from "zod";
import { tenantStream } from "#foundation/secops/audit-log.js";
import { defineCallable } from "../define.js";

/** Checks the tenant's hash chain and names the first tampered record, if any. */
export const verifyAuditLog = defineCallable({
  name: "verifyAuditLog",
  input: z.strictObject({}),
  skill: "admin",
  action: "read",
  zone: "admin",
  minTrust: 4,
  handler: async ({ ctx, deps }) => deps.audit.verifyAuditChain(tenantStream(ctx.tenantId)),
});

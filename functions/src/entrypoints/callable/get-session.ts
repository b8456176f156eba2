import { z } from "zod";
import { tenantDisplayOf } from "#domain/api/tenant-display.js";
import { tenantCurrencyOf } from "#foundation/config/tenant-currency.js";
import { paths } from "#kernel/document-paths.js";
import { defineCallable } from "../define.js";

/**
 * The caller's current session (refreshed by this very call), their other live sessions, and how
 * their tenant's amounts are written (`tenant.currency`, `tenant.locale`), so a client formats them
 * as alerts and reports do.
 */
export const getSession = defineCallable({
  name: "getSession",
  input: z.strictObject({}),
  skill: "costs",
  action: "read",
  handler: async ({ ctx, deps }) => {
    const live = ctx.session ? await deps.sessions.listLive(ctx.session.tenantId, ctx.principal.id) : [];
    const tenantDoc = await deps.documents.get<Record<string, unknown>>(paths.tenant(ctx.tenantId));
    const tenant = tenantDisplayOf(tenantDoc, tenantCurrencyOf(deps.config.currency, ctx.tenantId).reporting);
    return { current: ctx.session, live, workspace: ctx.workspace, tenant };
  },
});

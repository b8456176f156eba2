import { z } from "zod";
import { defineCallable } from "../define.js";

/** Views the caller may see: their own, public ones, and those shared with them. */
export const listWorkspaces = defineCallable({
  name: "listWorkspaces",
  input: z.strictObject({}),
  skill: "costs",
  action: "read",
  handler: async ({ ctx, deps }) => ({ items: await deps.workspaces.listVisible(ctx.tenantId, ctx.principal.id) }),
});

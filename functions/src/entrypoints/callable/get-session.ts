import { z } from "zod";
import { defineCallable } from "../define.js";

/** The caller's current session (refreshed by this very call) and their other live sessions. */
export const getSession = defineCallable({
  name: "getSession",
  input: z.strictObject({}),
  skill: "costs",
  action: "read",
  handler: async ({ ctx, deps }) => {
    const live = ctx.session ? await deps.sessions.listLive(ctx.session.tenantId, ctx.principal.id) : [];
    return { current: ctx.session, live, workspace: ctx.workspace };
  },
});

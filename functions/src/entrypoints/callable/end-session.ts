import { z } from "zod";
import { defineCallable } from "../define.js";

/** Signs a session out (default: the current one); its sign-in can no longer be used. */
export const endSession = defineCallable({
  name: "endSession",
  input: z.strictObject({ sessionId: z.string().regex(/^[0-9a-f]{24}$/).optional() }),
  skill: "costs",
  action: "write",
  owned: true,
  handler: async ({ input, ctx, deps }) => {
    const id = input.sessionId ?? ctx.session?.id;
    if (!id || !ctx.session) return { ended: false };
    ctx.authorize("write", { type: "session", id, ownerId: ctx.principal.id });
    ctx.state.resource = `sessions/${id}`;
    const rec = await deps.sessions.end(ctx.session.tenantId, ctx.principal.id, id, ctx.log);
    return { ended: true, sessionId: rec.id };
  },
});

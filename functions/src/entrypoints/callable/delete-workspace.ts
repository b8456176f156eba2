import { z } from "zod";
import { defineCallable } from "../define.js";

export const deleteWorkspace = defineCallable({
  name: "deleteWorkspace",
  input: z.strictObject({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) }),
  skill: "costs",
  action: "delete",
  owned: true,
  handler: async ({ input, ctx, deps }) => {
    ctx.state.resource = `workspaces/${input.id}`;
    const ws = await deps.workspaces.getVisible(ctx.tenantId, input.id, ctx.principal.id).catch(async (err: unknown) => {
      // Admins (scope all) may delete private views they cannot list.
      const raw = await deps.workspaces.get(ctx.tenantId, input.id);
      if (!raw) throw err;
      return raw;
    });
    ctx.authorize("delete", { type: "workspace", id: ws.id, ownerId: ws.ownerId, visibility: ws.visibility });
    await deps.workspaces.delete(ctx.tenantId, ws.id);
    return { id: ws.id, deleted: true };
  },
});

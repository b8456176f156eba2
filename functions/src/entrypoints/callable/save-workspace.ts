import { z } from "zod";
import { VISIBILITIES } from "#foundation/session/workspaces.js";
import { defineCallable } from "../define.js";

const ViewValue = z.union([z.string().max(500), z.number(), z.boolean(), z.array(z.string().max(200)).max(100)]);
export const SaveWorkspaceInput = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
  name: z.string().min(1).max(200),
  visibility: z.enum(VISIBILITIES),
  sharedWith: z.array(z.string().regex(/^[A-Za-z0-9_-]{1,128}$/)).max(100).default([]),
  view: z.record(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/), ViewValue).refine((v) => Object.keys(v).length <= 50, "at most 50 view settings").default({}),
});

/** Saves a view: yours (scope own), or someone else's shared one if you are an operator. */
export const saveWorkspace = defineCallable({
  name: "saveWorkspace",
  input: SaveWorkspaceInput,
  skill: "costs",
  action: "write",
  owned: true,
  handler: async ({ input, ctx, deps }) => {
    const existing = input.id ? await deps.workspaces.get(ctx.tenantId, input.id) : null;
    if (existing) ctx.authorize("write", { type: "workspace", id: existing.id, ownerId: existing.ownerId, visibility: existing.visibility });
    // The name is stored as typed: user text is escaped where it is shown, never rewritten here (docs/security.md).
    const ws = await deps.workspaces.save(ctx.tenantId, ctx.principal.id, input, existing);
    ctx.state.resource = `workspaces/${ws.id}`;
    return ws;
  },
});

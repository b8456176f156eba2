import { z } from "zod";
import { defineCallable } from "../define.js";

export const revokeApiKey = defineCallable({
  name: "revokeApiKey",
  input: z.strictObject({ prefix: z.string().regex(/^cm_[A-Za-z0-9]{8}$/, "expected a key prefix such as cm_AbC123xY") }),
  skill: "admin",
  action: "admin",
  zone: "admin",
  minTrust: 4,
  handler: async ({ input, ctx, deps }) => {
    ctx.state.resource = `api_keys/${input.prefix}`;
    const r = await deps.apiKeys.revoke(ctx.tenantId, input.prefix);
    return { prefix: r.prefix, revokedAt: r.revokedAt };
  },
});

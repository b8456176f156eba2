import { z } from "zod";
import { SKILLS } from "#foundation/iam/model.js";
import { defineCallable } from "../define.js";

export const CreateApiKeyInput = z.strictObject({
  name: z.string().min(1).max(100),
  skills: z.array(z.enum(SKILLS).exclude(["admin"])).min(1).max(SKILLS.length),
  zones: z.array(z.enum(["nonprod", "prod"])).min(1).max(2),
  trustLevel: z.union([z.literal(1), z.literal(2)]).default(1),
});

/** Admins only (trust 4 with MFA). The key is returned once and stored only as a hash. */
export const createApiKey = defineCallable({
  name: "createApiKey",
  input: CreateApiKeyInput,
  skill: "admin",
  action: "admin",
  zone: "admin",
  minTrust: 4,
  handler: async ({ input, ctx, deps }) => {
    const { key, record } = await deps.apiKeys.create(ctx.tenantId, { ...input, skills: [...new Set(input.skills)], zones: [...new Set(input.zones)] }, ctx.principal.id);
    ctx.state.resource = `api_keys/${record.prefix}`;
    return { key, prefix: record.prefix, name: record.name, skills: record.skills, zones: record.zones, trustLevel: record.trustLevel, createdAt: record.createdAt };
  },
});

import { ListCloudAccountsInput, listCloudAccounts as list } from "#domain/api/cloud-accounts.js";
import { defineCallable } from "../define.js";

export const listCloudAccounts = defineCallable({
  name: "listCloudAccounts",
  input: ListCloudAccountsInput,
  skill: "accounts",
  action: "read",
  handler: async ({ input, ctx, deps }) => list(deps.documents, ctx.tenantId, input),
});

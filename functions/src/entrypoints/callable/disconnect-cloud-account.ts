import { DisconnectCloudAccountInput, disconnectCloudAccount as disconnect, getCloudAccount } from "#domain/api/cloud-accounts.js";
import { defineCallable } from "../define.js";

export const disconnectCloudAccount = defineCallable({
  name: "disconnectCloudAccount",
  input: DisconnectCloudAccountInput,
  skill: "accounts",
  action: "delete",
  handler: async ({ input, ctx, deps }) => {
    ctx.state.resource = `cloud_accounts/${input.accountId}`;
    const account = await getCloudAccount(deps.documents, ctx.tenantId, input.accountId);
    ctx.authorize("delete", { type: "cloud_account", id: input.accountId }, account.environment === "prod" ? "prod" : "nonprod");
    return disconnect(deps.documents, deps.credentials, ctx.tenantId, input.accountId);
  },
});

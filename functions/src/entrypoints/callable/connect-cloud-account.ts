import { ConnectCloudAccountInput, connectCloudAccount as connect } from "#domain/api/cloud-accounts.js";
import { defineCallable } from "../define.js";

/** Credentials go to the credential store only; the zone is the account's environment. */
export const connectCloudAccount = defineCallable({
  name: "connectCloudAccount",
  input: ConnectCloudAccountInput,
  skill: "accounts",
  action: "write",
  freeText: ({ credentials: _secret, ...rest }) => rest,
  handler: async ({ input, ctx, deps }) => {
    ctx.authorize("write", { type: "cloud_account" }, input.environment);
    const account = await connect(deps.documents, deps.credentials, ctx.tenantId, input, ctx.principal.id, deps.clock.now());
    ctx.state.resource = `cloud_accounts/${account.id}`;
    return account;
  },
});

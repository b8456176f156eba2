import type { Principal } from "#foundation/iam/model.js";
import type { McpCaller } from "./gate.js";

/**
 * `costmon mcp` on a single-user machine: the person at the keyboard already holds the data
 * folder, so the caller is a read-only local operator of the one tenant named by `--tenant`
 * (trust 1, a viewer: it can read and nothing else), audited like any other caller.
 * It is a `service` principal because no credential is presented; `oidc` is the method
 * services use, and nothing here accepts it from the network.
 */
export function localOperator(tenantId: string): McpCaller {
  const principal: Principal = {
    kind: "service",
    id: "local-operator",
    tenantId,
    trustLevel: 1,
    zones: ["nonprod", "prod"],
    mfa: false,
    skills: "all",
    platformAdmin: false,
    method: "oidc",
  };
  return { principal, client: "stdio" };
}

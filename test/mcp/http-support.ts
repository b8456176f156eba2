import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { FakeUser } from "../entrypoints/support/fake-id-tokens.js";

export const PROJECT = "demo-test";

/**
 * A token for the unit-tier fake verifier (fake-id-tokens.ts) whose unverified payload carries the
 * `iss` and `aud` a Firebase ID token of `project` has: the MCP function checks both itself.
 */
export function mcpToken(u: FakeUser, project = PROJECT): string {
  const payload = Buffer.from(JSON.stringify({ iss: `https://securetoken.google.com/${project}`, aud: project, sub: u.uid })).toString("base64url");
  return `fake.${payload}.${Buffer.from(JSON.stringify(u)).toString("base64url")}`;
}

/** The SDK's own Streamable HTTP client against the function, with the given credential headers. */
export async function httpClient(url: string, headers: Record<string, string>, name = "http-test"): Promise<Client> {
  const client = new Client({ name, version: "0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return client;
}

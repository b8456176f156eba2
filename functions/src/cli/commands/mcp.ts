import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { createMcpGate } from "#entrypoints/mcp/gate.js";
import { localOperator } from "#entrypoints/mcp/local-operator.js";
import { buildMcpServer } from "#entrypoints/mcp/server.js";
import { closeDeps, configureDeps, getDeps, getPipelineServices } from "../../deps.js";
import { packageVersion } from "../project-root.js";
import { UsageError } from "../usage-error.js";

export interface McpCommandOptions {
  tenant: string;
  dataDir: string;
  configDir?: string;
}

/**
 * `costmon mcp`: MCP over stdio as the read-only local operator of one tenant, for a single-user
 * machine. Stdout carries the protocol, so nothing else may be written there.
 */
export async function runMcpCommand(opts: McpCommandOptions): Promise<number> {
  if (!existsSync(resolve(opts.dataDir))) throw new UsageError(`--data-dir ${resolve(opts.dataDir)} does not exist (costmon import or costmon nightly creates it)`);
  configureDeps({ env: { COSTMON_DATA_DIR: resolve(opts.dataDir) }, ...(opts.configDir ? { configDir: resolve(opts.configDir) } : {}), logSink: () => {} });
  try {
    const { warehouse, documents, llmLedger, audit } = await getDeps();
    const { rateLimiter } = await getPipelineServices();
    // The tenant is fixed here, for the whole session; no tool argument can change it.
    const caller = localOperator(opts.tenant);
    const gate = createMcpGate({ audit, rateLimiter }, () => caller);
    const server = buildMcpServer({ warehouse, documents, llmLedger }, gate, packageVersion());
    const transport = new StdioServerTransport();
    const closed = new Promise<void>((done) => {
      transport.onclose = () => done();
      process.stdin.once("end", () => done());
    });
    await server.connect(transport);
    await closed;
    await server.close();
    return 0;
  } finally {
    await closeDeps();
  }
}

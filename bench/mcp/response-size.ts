import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { closeDeps, configureDeps, getDeps, getPipelineServices } from "../../functions/src/deps.js";
import { MAX_RESULT_TOKENS } from "#entrypoints/mcp/server.js";
import { percentile, sweep } from "../../test/mcp/size-sweep.js";

/**
 * Size of every MCP tool answer on the demo tenants: runs the nightly into a fresh data folder,
 * then calls each tool (test/mcp/size-sweep.ts: the widest queries, rows pages walked to the end)
 * as each tenant's local operator. Prints JSON: p50/p95/max bytes and estimated tokens, overall and
 * per tool.   npx tsx bench/mcp/response-size.ts
 */
const root = join(import.meta.dirname, "..", "..");
const dir = mkdtempSync(join(tmpdir(), "mcp-size-bench-"));
try {
  const nightly = JSON.parse(
    execFileSync(process.execPath, [join(root, "bin", "costmon.mjs"), "nightly", "--data-dir", dir, "--no-reports", "--quiet", "--json"], { cwd: root, stdio: ["ignore", "pipe", "ignore"] }).toString(),
  ) as { tenants: { tenantId: string; analysis: { asOf: string } }[] };
  const tenants = nightly.tenants.map((t) => ({ tenantId: t.tenantId, asOf: t.analysis.asOf }));
  configureDeps({ env: { COSTMON_DATA_DIR: dir }, logSink: () => {} });
  const d = await getDeps();
  const { rateLimiter } = await getPipelineServices();
  const samples = await sweep({ warehouse: d.warehouse, documents: d.documents, llmLedger: d.llmLedger }, { audit: d.audit, rateLimiter }, tenants);
  const summary = (xs: typeof samples) => ({
    answers: xs.length,
    p50Bytes: percentile(xs.map((s) => s.bytes), 50),
    p95Bytes: percentile(xs.map((s) => s.bytes), 95),
    maxBytes: Math.max(...xs.map((s) => s.bytes)),
    p95Tokens: percentile(xs.map((s) => s.tokens), 95),
    maxTokens: Math.max(...xs.map((s) => s.tokens)),
  });
  const tools = [...new Set(samples.map((s) => s.tool))];
  console.log(
    JSON.stringify(
      {
        bench: "mcp-response-size",
        capTokens: MAX_RESULT_TOKENS,
        tenants: tenants.map((t) => t.tenantId),
        overCap: samples.filter((s) => s.tokens > MAX_RESULT_TOKENS).length,
        errors: samples.filter((s) => s.isError).length,
        all: summary(samples),
        byTool: Object.fromEntries(tools.map((t) => [t, summary(samples.filter((s) => s.tool === t))])),
      },
      null,
      2,
    ),
  );
} finally {
  await closeDeps();
  rmSync(dir, { recursive: true, force: true });
}

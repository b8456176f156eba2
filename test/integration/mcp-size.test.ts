import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDeps, configureDeps, getDeps, getPipelineServices } from "../../functions/src/deps.js";
import { MAX_RESULT_TOKENS } from "#entrypoints/mcp/server.js";
import { tenantStream } from "#foundation/secops/audit-log.js";
import { percentile, sweep } from "../mcp/size-sweep.js";

const root = join(import.meta.dirname, "..", "..");
const bin = join(root, "bin", "costmon.mjs");

/** No tool answer on the demo tenants passes the token cap, pages walked to the end included. */
describe("MCP response sizes on the demo tenants", () => {
  let dir: string;
  let tenants: { tenantId: string; asOf: string }[];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "mcp-size-"));
    const out = JSON.parse(execFileSync(process.execPath, [bin, "nightly", "--data-dir", dir, "--no-reports", "--quiet", "--json"], { cwd: root, stdio: ["ignore", "pipe", "ignore"] }).toString()) as {
      tenants: { tenantId: string; analysis: { asOf: string } }[];
    };
    tenants = out.tenants.map((t) => ({ tenantId: t.tenantId, asOf: t.analysis.asOf }));
  }, 240_000);
  afterAll(async () => {
    await closeDeps();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps every answer under the cap, and prints the p95 size", async () => {
    configureDeps({ env: { COSTMON_DATA_DIR: dir }, logSink: () => {} });
    const d = await getDeps();
    const { rateLimiter } = await getPipelineServices();
    const samples = await sweep({ warehouse: d.warehouse, documents: d.documents, llmLedger: d.llmLedger }, { audit: d.audit, rateLimiter }, tenants);
    expect(tenants.length).toBeGreaterThan(0);
    expect(samples.filter((s) => s.isError)).toEqual([]);
    expect(Math.max(...samples.map((s) => s.tokens))).toBeLessThanOrEqual(MAX_RESULT_TOKENS);
    for (const t of tenants) expect(await d.audit.verifyAuditChain(tenantStream(t.tenantId))).toMatchObject({ ok: true });
    console.log(JSON.stringify({ tenants: tenants.length, answers: samples.length, p95Bytes: percentile(samples.map((s) => s.bytes), 95), maxTokens: Math.max(...samples.map((s) => s.tokens)) }));
  }, 240_000);
});

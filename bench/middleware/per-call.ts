import type { AddressInfo } from "node:net";
import { Agent, request } from "node:http";
import { http } from "@google-cloud/functions-framework";
import { getTestServer } from "@google-cloud/functions-framework/testing";
import { configureDeps, getDeps } from "../../functions/src/deps.js";
import { CostSummaryInput, getCostSummary } from "#domain/api/cost-summary.js";
import type { CallableFunction } from "#foundation/pipeline/define-pipeline.js";
import { strictParse } from "#foundation/secops/strict-parse.js";
import { MemoryCostWarehouse } from "../../test/fakes/memory-cost-warehouse.js";
import { MemoryDocumentStore } from "../../test/fakes/memory-document-store.js";
import { MemorySecretStore } from "../../test/fakes/memory-secret-store.js";
import { costRow } from "../../test/entrypoints/support/seed.js";

/**
 * Per-call latency through the full stack (all middleware, API-key authentication, audit) with
 * in-memory stores, against a bare functions-framework handler in the same process and server
 * setup, alternating rounds so that machine noise hits both alike.
 */
export interface LatencyStats {
  p50: number;
  p99: number;
  mean: number;
}

function stats(samples: number[]): LatencyStats {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] as number;
  return { p50: q(0.5), p99: q(0.99), mean: s.reduce((a, b) => a + b, 0) / s.length };
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function post(port: number, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method: "POST", path: "/", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(body);
  });
}

export async function measurePerCall(rounds: number, callsPerRound: number) {
  configureDeps({
    documents: new MemoryDocumentStore(),
    warehouse: new MemoryCostWarehouse(),
    secrets: new MemorySecretStore(),
    logSink: () => {},
    env: { COSTMON_ENV: "prod", COSTMON_PROJECT_ID: "bench", COSTMON_RATE_LIMIT_POINTS: "100000000" },
  });
  await import("../../functions/src/index.js");
  const deps = await getDeps();
  await deps.warehouse.upsert("bench-tenant", Array.from({ length: 28 }, (_, i) => costRow("bench-tenant", `2026-02-${String(i + 1).padStart(2, "0")}`)));
  const { key } = await deps.apiKeys.create("bench-tenant", { name: "bench", skills: ["costs"], zones: ["prod"], trustLevel: 1 }, "bench");
  http("bareBench", (_req, res) => {
    res.status(200).json({ result: { ok: true } });
  });
  // The same domain work as getCostSummary without any middleware: full − this = the middleware.
  http("handlerOnlyBench", async (req, res) => {
    const input = strictParse(CostSummaryInput, (req.body as { data: unknown }).data);
    res.status(200).json({ result: await getCostSummary(deps.warehouse, "bench-tenant", input) });
  });
  const listen = (name: string) =>
    new Promise<number>((r) => {
      const s = getTestServer(name);
      s.listen(0, "127.0.0.1", () => r((s.address() as AddressInfo).port));
    });
  const [barePort, handlerPort, fullPort] = [await listen("bareBench"), await listen("handlerOnlyBench"), await listen("getCostSummary")];
  const fullBody = JSON.stringify({ data: { start: "2026-02-01", end: "2026-02-28", groupBy: ["service"] } });
  const bareBody = JSON.stringify({ data: {} });
  const run = async (n: number, port: number, body: string, headers: Record<string, string>, out?: number[]) => {
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      const code = await post(port, body, headers);
      if (code !== 200) throw new Error(`status ${code}`);
      out?.push(performance.now() - t);
    }
  };
  await run(500, barePort, bareBody, {});
  await run(500, handlerPort, fullBody, {});
  await run(500, fullPort, fullBody, { "x-api-key": key });
  const bare: number[] = [];
  const handlerOnly: number[] = [];
  const full: number[] = [];
  for (let r = 0; r < rounds; r++) {
    await run(callsPerRound, barePort, bareBody, {}, bare);
    await run(callsPerRound, handlerPort, fullBody, {}, handlerOnly);
    await run(callsPerRound, fullPort, fullBody, { "x-api-key": key }, full);
  }
  agent.destroy();
  // In-process, without HTTP: the callable invoked directly with a stub response, against the same
  // domain call alone. Less exposed to scheduling noise than the HTTP figures.
  const entry = (await import("../../functions/src/index.js")).functions as unknown as Record<string, CallableFunction>;
  const fn = entry.getCostSummary as CallableFunction;
  const req = { method: "POST", headers: { "content-type": "application/json", "x-api-key": key }, body: JSON.parse(fullBody) as unknown };
  const res = { status: () => {}, setHeader: () => {}, send: () => {}, end: () => {} };
  const direct: number[] = [];
  const domainOnly: number[] = [];
  for (let i = 0; i < 1000; i++) await fn(req, res);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < callsPerRound; i++) {
      const t = performance.now();
      await getCostSummary(deps.warehouse, "bench-tenant", strictParse(CostSummaryInput, (req.body as { data: unknown }).data));
      domainOnly.push(performance.now() - t);
    }
    for (let i = 0; i < callsPerRound; i++) {
      const t = performance.now();
      await fn(req, res);
      direct.push(performance.now() - t);
    }
  }
  return { bare: stats(bare), handlerOnly: stats(handlerOnly), full: stats(full), inProcess: { full: stats(direct), handlerOnly: stats(domainOnly) }, calls: bare.length };
}

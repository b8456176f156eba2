import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DuckDbLlmLedger } from "#adapters/local/duckdb-llm-ledger.js";
import type { AlertsMessage } from "#domain/nightly/messages.js";
import { signWithApiKey } from "#foundation/iam/api-key-signature.js";
import { trackLlmCall } from "#foundation/observability/llm-tracking.js";
import { createMetrics } from "#foundation/observability/metrics.js";
import { listDeadLetters } from "#foundation/selfops/dead-letter-store.js";
import type { BusMessage } from "#kernel/ports.js";
import { closeDeps, configureDeps, getDeps } from "../../functions/src/deps.js";
import { subscribeEventFunctions } from "../../functions/src/local-subscriptions.js";
import { MemoryCostWarehouse } from "../fakes/memory-cost-warehouse.js";
import { MemoryDocumentStore } from "../fakes/memory-document-store.js";
import { MemorySecretStore } from "../fakes/memory-secret-store.js";
import { repoRoot } from "../support/shared-data.js";
import { MutableClock } from "./support/app-harness.js";

/**
 * The `llm-usage` topic through the deployed event function on the local bus, with the real price
 * database: batches signed with a tenant's API key count under that tenant, once; a signature that
 * does not verify, a revoked key or a key without the llm-usage skill is dead-lettered and counts
 * nothing; OTLP/JSON GenAI spans count like events; a hard limit never refuses a batch here, and a
 * threshold the batch crosses is alerted on the alerts topic. Then the platform's own calls
 * (trackLlmCall) land in the same ledger under the platform tenant.
 */
const A = "t-gw-a";
const B = "t-gw-b";
/** gpt-4o in genai-prices 0.1.8: 2.50 input, 10.00 output USD per million tokens. 1,000 in + 500 out = 0.0075. */
const ev = (eventId: string, over: Record<string, unknown> = {}) => ({ eventId, provider: "openai", model: "gpt-4o", inputTokens: 1000, outputTokens: 500, requestedAt: "2026-03-01T11:00:00Z", tags: { team: "search" }, ...over });

describe("ingestLlmUsage: usage batches on the llm-usage topic", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "ingest-llm-"));
  const documents = new MemoryDocumentStore();
  const clock = new MutableClock();
  const alerts: BusMessage<AlertsMessage>[] = [];
  let ledger: DuckDbLlmLedger;
  let keyA: string;
  let keyB: string;
  let keyNoSkill: string;
  let keyRevoked: string;

  const publish = async (message: unknown) => {
    const deps = await getDeps();
    await deps.bus.publish("llm-usage", message);
    await deps.bus.drain();
  };
  const totals = async (tenant: string) => (await ledger.usage(tenant, { window: { start: "2026-03-01", end: "2026-03-01" }, groupBy: [], limit: 1 })).totals;

  beforeAll(async () => {
    ledger = await DuckDbLlmLedger.open({ file: ":memory:" }, () => clock.now());
    configureDeps({
      documents,
      warehouse: new MemoryCostWarehouse(),
      secrets: new MemorySecretStore(),
      llmLedger: ledger,
      clock,
      configDir: join(repoRoot, "config"),
      logSink: () => {},
      consoleWrite: () => {},
      env: { COSTMON_ENV: "dev", COSTMON_DATA_DIR: dataDir },
    });
    const deps = await getDeps();
    await subscribeEventFunctions(deps.bus);
    deps.bus.subscribe<AlertsMessage>("alerts", async (m) => {
      alerts.push(m);
    });
    const make = async (tenant: string, skills: ("llm-usage" | "costs")[]) => (await deps.apiKeys.create(tenant, { name: "gw", skills, zones: ["prod"], trustLevel: 2 }, "test")).key;
    keyA = await make(A, ["llm-usage"]);
    keyB = await make(B, ["llm-usage"]);
    keyNoSkill = await make(A, ["costs"]);
    keyRevoked = await make(A, ["llm-usage"]);
    await deps.apiKeys.revoke(A, keyRevoked.split("_", 2).join("_"));
  }, 60_000);
  afterAll(async () => {
    await closeDeps();
    await ledger.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("records a signed batch under the key's tenant, and a republished one once", async () => {
    // Prepare
    const message = signWithApiKey(keyA, JSON.stringify({ events: [ev("p1"), ev("p2", { cacheReadTokens: 400 })] }));
    // Act
    await publish(message);
    await publish(message);
    // Assess: 0.0075 + (600 × 2.50 + 400 × 1.25 + 500 × 10) / 1e6 = 0.0075 + 0.007 = 0.0145
    expect(await totals(A)).toMatchObject({ events: 2, costUsd: "0.0145" });
    expect(await totals(B)).toMatchObject({ events: 0 });
  });

  it("takes the tenant from the signing key only: the same event id under another key is the other tenant's", async () => {
    await publish(signWithApiKey(keyB, JSON.stringify({ events: [ev("p1")] })));
    expect(await totals(B)).toMatchObject({ events: 1, costUsd: "0.0075" });
    expect(await totals(A)).toMatchObject({ events: 2 });
  });

  it("dead-letters a forged, a revoked and an unauthorized message, and counts none of them", async () => {
    const payload = JSON.stringify({ events: [ev("forged-1")] });
    // Signed with B's key but naming A's: the signature does not verify with A's key.
    const forged = { ...signWithApiKey(keyB, payload), keyPrefix: keyA.split("_", 2).join("_") };
    // A payload changed after signing.
    const tampered = { ...signWithApiKey(keyA, payload), payload: JSON.stringify({ events: [ev("forged-1", { outputTokens: 1 })] }) };
    await publish(forged);
    await publish(tampered);
    await publish(signWithApiKey(keyRevoked, payload));
    await publish(signWithApiKey(keyNoSkill, payload));
    expect(await totals(A)).toMatchObject({ events: 2 });
    const dead = await listDeadLetters(documents, { topic: "llm-usage" });
    expect(dead.map((d) => d.reason).sort()).toEqual([
      expect.stringMatching(/^key cm_\w{8} may not record LLM usage \(skill-not-in-key-scope\)$/),
      expect.stringMatching(/^signature does not verify/),
      expect.stringMatching(/^signature does not verify/),
      expect.stringMatching(/^signature does not verify/),
    ]);
    // What a dead letter keeps holds no key: the prefix and the signature only.
    for (const d of dead) expect(d.payload).not.toMatch(/cm_\w{8}_[\w-]{32,}/);
  });

  it("records the GenAI spans of an OTLP/JSON trace export", async () => {
    const attrs = [
      { key: "gen_ai.provider.name", value: { stringValue: "openai" } },
      { key: "gen_ai.request.model", value: { stringValue: "gpt-4o" } },
      { key: "gen_ai.usage.input_tokens", value: { intValue: "1000" } },
      { key: "gen_ai.usage.output_tokens", value: { intValue: "500" } },
    ];
    const otlp = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: "service.name", value: { stringValue: "otel-app" } }] },
          scopeSpans: [{ spans: [{ traceId: "5B8EFFF798038103D269B633813FC60C", spanId: "EEE19B7EC3C1B174", name: "chat gpt-4o", startTimeUnixNano: "1772362800000000000", attributes: attrs }] }],
        },
      ],
    };
    await publish(signWithApiKey(keyB, JSON.stringify(otlp)));
    const usage = await ledger.usage(B, { window: { start: "2026-03-01", end: "2026-03-01" }, groupBy: ["app"], limit: 10 });
    expect(usage.rows.find((r) => r.keys.app === "otel-app")).toMatchObject({ events: 1, costUsd: "0.0075" });
  });

  it("records past a hard limit instead of refusing, and alerts each threshold the batch crosses", async () => {
    const deps = await getDeps();
    await documents.set(`tenants/${A}/budgets/search-cap`, {
      name: "Search",
      amount: "0.03",
      period: "monthly",
      scope: { tags: { team: "search" } },
      hardLimit: true,
      thresholds: [
        { percent: 50, basis: "actual" },
        { percent: 100, basis: "actual" },
      ],
    });
    deps.llmUsage.forgetBudgets(A);
    // 0.0145 so far (48%); three more events bring it to 0.037: past 100%, so one alert, at 100.
    await publish(signWithApiKey(keyA, JSON.stringify({ events: [ev("h1"), ev("h2"), ev("h3")] })));
    expect(await totals(A)).toMatchObject({ events: 5, costUsd: "0.037" });
    const crossed = alerts.flatMap((m) => m.data.events);
    expect(crossed).toEqual([expect.objectContaining({ type: "llm_budget.crossed", tenantId: A, budgetId: "search-cap", periodKey: "2026-03", thresholdPct: 100, spent: "0.037", budget: "0.03", currency: "USD", severity: "critical" })]);
    // The gateway asks before its next request and is refused.
    await expect(deps.llmUsage.check(A, { provider: "openai", model: "gpt-4o", tags: { team: "search" } })).rejects.toMatchObject({ code: "resource-exhausted" });
    // Nothing more crosses: no second alert.
    await publish(signWithApiKey(keyA, JSON.stringify({ events: [ev("h4")] })));
    expect(alerts.flatMap((m) => m.data.events)).toHaveLength(1);
  });

  it("feeds the platform's own LLM calls (trackLlmCall) into the same ledger under the platform tenant", async () => {
    const deps = await getDeps();
    const usage = { sink: deps.platformLlmUsage, provider: "openai", eventId: "help-1", at: clock.now(), app: "help" };
    await trackLlmCall(createMetrics(), "gpt-4o", { input: 1000, output: 500 }, 850, "0.0075", undefined, usage);
    // A retry of the same call counts once.
    await trackLlmCall(createMetrics(), "gpt-4o", { input: 1000, output: 500 }, 850, "0.0075", undefined, usage);
    const platform = await ledger.usage(deps.config.llm_usage.platform_tenant, { window: { start: "2026-03-01", end: "2026-03-01" }, groupBy: ["app"], limit: 10 });
    expect(platform.rows).toEqual([expect.objectContaining({ keys: { app: "help" }, events: 1, costUsd: "0.0075" })]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, startApp } from "./support/app-harness.js";
import { bearer, fakeVerifier } from "./support/fake-id-tokens.js";

/**
 * The LLM usage callables over HTTP in the callable protocol: batches with event ids, retries,
 * the tenant from credentials, and a hard-limited budget answering resource-exhausted (429).
 */
const T = "t-llm-http";
const admin = bearer({ uid: "a1", tenantId: T, trustLevel: 4, mfa: true, zones: ["nonprod", "prod", "admin"] });
const manager = bearer({ uid: "m1", tenantId: T, trustLevel: 3, mfa: true, zones: ["nonprod", "prod"] });
const viewer = bearer({ uid: "v1", tenantId: T, trustLevel: 1, zones: ["nonprod", "prod"] });
const OTHER = "t-llm-other";
const otherViewer = bearer({ uid: "v2", tenantId: OTHER, trustLevel: 1, zones: ["nonprod", "prod"] });

/** The harness clock stands at 2026-03-01T12:00Z. gpt-4o: 2.50 input and 10.00 output USD per million tokens. */
const ev = (eventId: string, over: Record<string, unknown> = {}) => ({ eventId, provider: "openai", model: "gpt-4o", inputTokens: 1000, outputTokens: 500, requestedAt: "2026-03-01T11:00:00Z", tags: { team: "search", key: "gw-1" }, ...over });

describe("LLM usage callables", () => {
  let app: App;
  let apiKey: string;
  beforeAll(async () => {
    app = await startApp({ verifyIdToken: fakeVerifier });
    await app.documents.set(`tenants/${T}`, { name: T });
    const created = await app.call("createApiKey", { name: "gateway", skills: ["llm-usage"], zones: ["prod"], trustLevel: 2 }, admin);
    apiKey = (created.body.result as { key: string }).key;
  });
  afterAll(async () => app.close());

  it("takes a batch with an API key, prices it with the price database, and counts a retry once", async () => {
    const batch = { events: [ev("b1"), ev("b2", { cacheReadTokens: 400 }), ev("b3", { serviceTier: "batch" })] };
    const first = await app.call("recordLlmUsage", batch, { "x-api-key": apiKey });
    expect(first.status).toBe(200);
    // 0.0075 each; cached 400 at 1.25 saves 0.0005; batch tier half price
    expect(first.body.result).toMatchObject({ accepted: 3, duplicates: [], costUsd: "0.01825" });
    expect((first.body.result as { events: { priceSource: string; priceVersion: string }[] }).events[0]).toMatchObject({ priceSource: "genai-prices", priceVersion: "0.1.8" });
    const retry = await app.call("recordLlmUsage", batch, { "x-api-key": apiKey });
    expect(retry.body.result).toMatchObject({ accepted: 0, costUsd: "0" });
    const usage = await app.call("getLlmUsage", { start: "2026-03-01", end: "2026-03-01" }, viewer);
    expect(usage.body.result).toMatchObject({ totals: { events: 3, costUsd: "0.01825" }, byKey: [{ value: "gw-1", events: 3 }] });
  });

  it("takes the tenant from the credentials only", async () => {
    const forged = await app.call("recordLlmUsage", { ...ev("f1"), tenantId: OTHER }, { "x-api-key": apiKey });
    expect(forged.body.error?.status).toBe("INVALID_ARGUMENT");
    const theirs = await app.call("getLlmUsage", { start: "2026-03-01", end: "2026-03-01" }, otherViewer);
    expect(theirs.body.result).toMatchObject({ totals: { events: 0 } });
  });

  it("answers resource-exhausted from checkLlmBudget and recordLlmUsage past a hard limit", async () => {
    const budget = { id: "search-cap", name: "Search", amount: "0.02", period: "monthly", scope: { tags: { team: "search" } }, hardLimit: true };
    expect((await app.call("upsertBudget", budget, manager)).status).toBe(200);
    // Budgets are re-read after llm_usage.budget_cache_ttl.
    app.clock.advance(31_000);
    const before = await app.call("checkLlmBudget", { provider: "openai", model: "gpt-4o", tags: { team: "search" } }, { "x-api-key": apiKey });
    expect(before.body.result).toMatchObject({ allowed: true, budgets: [{ budgetId: "search-cap", spentUsd: "0.01825", remainingUsd: "0.00175" }] });
    const over = await app.call("recordLlmUsage", ev("o1"), { "x-api-key": apiKey });
    expect(over.status).toBe(429);
    expect(over.body.error?.status).toBe("RESOURCE_EXHAUSTED");
    const check = await app.call("checkLlmBudget", { provider: "openai", model: "gpt-4o", tags: { team: "search" } }, { "x-api-key": apiKey });
    expect(check.status).toBe(429);
    const elsewhere = await app.call("checkLlmBudget", { provider: "openai", model: "gpt-4o", tags: { team: "ml" } }, { "x-api-key": apiKey });
    expect(elsewhere.body.result).toEqual({ allowed: true, budgets: [] });
  });
});

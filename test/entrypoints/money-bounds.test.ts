import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, startApp } from "./support/app-harness.js";
import { bearer, fakeVerifier } from "./support/fake-id-tokens.js";

/**
 * Amounts the schemas once accepted and the code then choked on: exponents that expand to
 * megabytes, padded strings that validation trimmed and big.js did not, values past the ledger's
 * DECIMAL. Each is refused with invalid-argument at once, or stored in canonical form.
 */
const T = "t-money";
const manager = bearer({ uid: "m1", tenantId: T, trustLevel: 3, mfa: true, zones: ["nonprod", "prod"] });

describe("money strings at the callables", () => {
  let app: App;
  beforeAll(async () => {
    app = await startApp({ verifyIdToken: fakeVerifier });
    await app.documents.set(`tenants/${T}`, { name: T });
  });
  afterAll(async () => app.close());

  const budget = (amount: string) => ({ id: "b1", name: "Budget", amount, period: "monthly" });

  it.each(["1e10000000", "1e308", "9".repeat(27), `${"1".repeat(70)}`, "1e-100000"])("refuses budget amount %s with invalid-argument, with a short answer", async (amount) => {
    const r = await app.call("upsertBudget", budget(amount), manager);
    expect(r.body.error?.status).toBe("INVALID_ARGUMENT");
    expect(JSON.stringify(r.body).length).toBeLessThan(2_000);
    expect(await app.documents.get(`tenants/${T}/budgets/b1`)).toBeNull();
  });

  it("stores a padded or exponent amount in canonical form, which the nightly then reads", async () => {
    const r = await app.call("upsertBudget", budget(" 5e3 "), manager);
    expect(r.status).toBe(200);
    expect((await app.documents.get(`tenants/${T}/budgets/b1`))?.amount).toBe("5000");
  });

  const llmEvent = (over: Record<string, unknown>) => ({ eventId: "e1", provider: "openai", model: "unpriced-model", inputTokens: 1, outputTokens: 1, requestedAt: "2026-03-01T10:00:00Z", ...over });

  it("refuses an LLM cost with a huge exponent, and records a padded one canonical", async () => {
    const bad = await app.call("recordLlmUsage", llmEvent({ clientCostUsd: "1e10000000" }), manager);
    expect(bad.body.error?.status).toBe("INVALID_ARGUMENT");
    const padded = await app.call("recordLlmUsage", llmEvent({ clientCostUsd: " 1 " }), manager);
    expect(padded.status).toBe(200);
    expect((padded.body.result as { events: { costUsd: string }[] }).events.map((e) => e.costUsd)).toEqual(["1"]);
  });

  it.each(["1e-64", `${"1".repeat(26)}e-64`, `0.${"0".repeat(62)}1`])("refuses amount %s, whose written-out form would not pass the schema again", async (amount) => {
    const r = await app.call("upsertBudget", { ...budget(amount), id: "b-tiny" }, manager);
    expect(r.body.error?.status).toBe("INVALID_ARGUMENT");
    expect(await app.documents.get(`tenants/${T}/budgets/b-tiny`)).toBeNull();
  });

  it.each([
    ["openai", "constructor"],
    ["constructor", "gpt-4o"],
    ["openai", "toString"],
  ])("refuses provider %s model %s, named after Object properties, as unpriced, not with an internal error", async (provider, model) => {
    const r = await app.call("recordLlmUsage", llmEvent({ eventId: `${provider}-${model}`, provider, model }), manager);
    expect(r.status).toBe(400);
    expect(r.body.error?.message).toMatch(/no price for 1 event/);
  });

  it("refuses a client cost above a billion dollars for one call, which would strain every sum", async () => {
    const r = await app.call("recordLlmUsage", llmEvent({ eventId: "big", clientCostUsd: "9".repeat(26) }), manager);
    expect(r.body.error?.status).toBe("INVALID_ARGUMENT");
  });

  it("refuses a day that is not on the calendar", async () => {
    const r = await app.call("recordLlmUsage", llmEvent({ clientCostUsd: "1", requestedAt: "2026-99-99T00:00:00Z" }), manager);
    expect(r.body.error?.status).toBe("INVALID_ARGUMENT");
    const custom = await app.call("upsertBudget", { ...budget("10"), period: "custom", customStart: "2026-13-45", customEnd: "2026-12-31" }, manager);
    expect(custom.body.error?.status).toBe("INVALID_ARGUMENT");
  });
});

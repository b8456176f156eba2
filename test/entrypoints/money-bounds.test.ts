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

  it("refuses an LLM cost with a huge exponent, and stores a padded one canonical", async () => {
    const usage = (costUsd: string) => ({ model: "unpriced-model", inputTokens: 1, outputTokens: 1, costUsd, day: "2026-11-20" });
    const bad = await app.call("recordLlmUsage", usage("1e10000000"), manager);
    expect(bad.body.error?.status).toBe("INVALID_ARGUMENT");
    const padded = await app.call("recordLlmUsage", usage(" 1 "), manager);
    expect(padded.status).toBe(200);
    const days = (await app.documents.list(`tenants/${T}/llm_usage_daily`)).docs;
    expect(days.map((d) => d.data.costUsd)).toEqual(["1"]);
  });

  it.each(["1e-64", `${"1".repeat(26)}e-64`, `0.${"0".repeat(62)}1`])("refuses amount %s, whose written-out form would not pass the schema again", async (amount) => {
    const r = await app.call("upsertBudget", { ...budget(amount), id: "b-tiny" }, manager);
    expect(r.body.error?.status).toBe("INVALID_ARGUMENT");
    expect(await app.documents.get(`tenants/${T}/budgets/b-tiny`)).toBeNull();
  });

  it("refuses a model named after an Object property as unpriced, not with an internal error", async () => {
    const r = await app.call("recordLlmUsage", { model: "constructor", inputTokens: 1, outputTokens: 1, day: "2026-11-20" }, manager);
    expect(r.status).toBe(400);
    expect(r.body.error?.message).toMatch(/no price for model constructor/);
  });

  it("refuses an LLM cost whose day total would leave the money bounds, and keeps the total", async () => {
    // Prepare
    const usage = { model: "big-spender", inputTokens: 1, outputTokens: 1, costUsd: "9".repeat(26), day: "2026-11-21" };
    expect((await app.call("recordLlmUsage", usage, manager)).status).toBe(200);
    // Act
    const r = await app.call("recordLlmUsage", usage, manager);
    // Assess
    expect(r.body.error?.status).toBe("FAILED_PRECONDITION");
    expect((await app.documents.get(`tenants/${T}/llm_usage_daily/2026-11-21~big-spender`))?.costUsd).toBe("9".repeat(26));
  });

  it("refuses a day that is not on the calendar", async () => {
    const r = await app.call("recordLlmUsage", { model: "m", inputTokens: 1, outputTokens: 1, costUsd: "1", day: "2026-99-99" }, manager);
    expect(r.body.error?.status).toBe("INVALID_ARGUMENT");
    const custom = await app.call("upsertBudget", { ...budget("10"), period: "custom", customStart: "2026-13-45", customEnd: "2026-12-31" }, manager);
    expect(custom.body.error?.status).toBe("INVALID_ARGUMENT");
  });
});

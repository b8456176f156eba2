import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CostRecord } from "#domain/billing/cost-record.js";
import type { CostQuery, CostWarehouse, UpsertStats } from "#domain/billing/ports.js";
import { costRecord, nextDay } from "./cost-record-builder.js";

const stats = (s: Partial<UpsertStats>): UpsertStats => ({ inserted: 0, updated: 0, unchanged: 0, deleted: 0, ...s });

/**
 * One behaviour for every CostWarehouse: the memory fake, DuckDB and BigQuery.
 * Amounts come back in canonical decimal form (big.js toFixed: no trailing zeros), so that
 * adapters agree to the character. Tenant ids are unique per test, for shared backends.
 */
export function describeCostWarehouseConformance(name: string, makeWarehouse: () => Promise<CostWarehouse>): void {
  describe(`CostWarehouse conformance: ${name}`, () => {
    let wh: CostWarehouse;
    let A: string;
    let B: string;
    const rec = (over: Parameters<typeof costRecord>[0] = {}) => costRecord({ tenant_id: A, ...over });
    const day = (d: string, over: Parameters<typeof costRecord>[0] = {}) =>
      rec({ charge_period_start: d, charge_period_end: nextDay(d), ...over });

    beforeEach(async () => {
      wh = await makeWarehouse();
      const ns = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
      A = `tenant-a-${ns}`;
      B = `tenant-b-${ns}`;
    });
    afterEach(async () => {
      await wh.close();
    });

    describe("upsert", () => {
      it("inserts new rows and reports them", async () => {
        // Prepare
        const rows = [day("2026-01-01"), day("2026-01-02"), day("2026-01-02", { service_name: "BigQuery" })];
        // Act
        const s = await wh.upsert(A, rows);
        // Assess
        expect(s).toEqual(stats({ inserted: 3 }));
        expect(await wh.totals(A)).toEqual({ rows: 3, billed_cost: "3", effective_cost: "3" });
      });

      it("is idempotent: the same batch twice changes nothing and says so", async () => {
        const rows = [day("2026-01-01"), day("2026-01-02", { billed_cost: "2.50" })];
        await wh.upsert(A, rows);
        const again = await wh.upsert(A, rows);
        expect(again).toEqual(stats({ unchanged: 2 }));
        expect(await wh.totals(A)).toEqual({ rows: 2, billed_cost: "3.5", effective_cost: "2" });
      });

      it("a re-pull with a new ingested_at and equal amounts (other scale) is unchanged", async () => {
        await wh.upsert(A, [day("2026-01-01", { billed_cost: "1.5" })]);
        const s = await wh.upsert(A, [
          day("2026-01-01", { billed_cost: "1.500000", ingested_at: "2026-01-09T00:00:00Z" }),
        ]);
        expect(s).toEqual(stats({ unchanged: 1 }));
      });

      it("a changed amount or quantity is an update, and the new values count", async () => {
        await wh.upsert(A, [day("2026-01-01"), day("2026-01-02"), day("2026-01-03")]);
        const s = await wh.upsert(A, [
          day("2026-01-01", { billed_cost: "4.25" }),
          day("2026-01-02", { pricing_quantity: "3" }),
          day("2026-01-04"),
        ]);
        expect(s).toEqual(stats({ inserted: 1, updated: 2, unchanged: 0 }));
        expect(await wh.totals(A)).toEqual({ rows: 4, billed_cost: "7.25", effective_cost: "4" });
      });

      it("a row with another tag set or pricing unit is another record (the key covers both), not an update", async () => {
        await wh.upsert(A, [day("2026-01-01")]);
        const s = await wh.upsert(A, [day("2026-01-01", { tags: { team: "web" } }), day("2026-01-01", { pricing_quantity: "3", pricing_unit: "hour" })]);
        expect(s).toEqual(stats({ inserted: 2 }));
        expect(await wh.totals(A)).toEqual({ rows: 3, billed_cost: "3", effective_cost: "3" });
      });

      it("duplicate keys in one batch: the last one wins and counts once", async () => {
        const s = await wh.upsert(A, [day("2026-01-01", { billed_cost: "1" }), day("2026-01-01", { billed_cost: "9" })]);
        expect(s).toEqual(stats({ inserted: 1 }));
        expect((await wh.totals(A)).billed_cost).toBe("9");
      });

      it("5 concurrent upserts of one batch: the rows are inserted once, the rest report unchanged", async () => {
        const rows = [day("2026-01-01"), day("2026-01-02"), day("2026-01-03")];
        const all = await Promise.all(Array.from({ length: 5 }, () => wh.upsert(A, rows)));
        const inserted = all.reduce((n, s) => n + s.inserted, 0);
        const unchanged = all.reduce((n, s) => n + s.unchanged, 0);
        expect({ inserted, unchanged }).toEqual({ inserted: 3, unchanged: 12 });
        expect((await wh.totals(A)).rows).toBe(3);
      });

      it("accepts large and exponent-form amounts exactly", async () => {
        await wh.upsert(A, [
          day("2026-01-01", { billed_cost: "12345678901234567890123456.000000000001" }),
          day("2026-01-02", { billed_cost: "1.5e3" }),
        ]);
        expect((await wh.totals(A)).billed_cost).toBe("12345678901234567890124956.000000000001");
      });

      it("an empty batch is a no-op", async () => {
        expect(await wh.upsert(A, [])).toEqual(stats({}));
        expect(await wh.totals(A)).toEqual({ rows: 0, billed_cost: "0", effective_cost: "0" });
      });

      it.each<[string, (r: CostRecord) => unknown]>([
        ["a bad decimal", (r) => ({ ...r, billed_cost: "1,5" })],
        ["a bad date", (r) => ({ ...r, charge_period_start: "2026-1-1" })],
        ["an unknown field", (r) => ({ ...r, extra: 1 })],
        ["a malformed record_key", (r) => ({ ...r, record_key: "x" })],
        ["an amount beyond 26 integer digits", (r) => ({ ...r, list_cost: "1".repeat(27) })],
      ])("rejects a record with %s and writes nothing", async (_label, spoil) => {
        const good = day("2026-01-01");
        const bad = spoil(day("2026-01-02")) as CostRecord;
        await expect(wh.upsert(A, [good, bad])).rejects.toThrow(/index 1/);
        expect((await wh.totals(A)).rows).toBe(0);
      });
    });

    describe("tenant scoping", () => {
      it("tenant A never sees tenant B's rows", async () => {
        await wh.upsert(A, [day("2026-01-01", { billed_cost: "1" })]);
        await wh.upsert(B, [costRecord({ tenant_id: B, charge_period_start: "2026-01-05", billed_cost: "100" })]);
        const window = { start: "2026-01-01", end: "2026-01-31" };
        expect(await wh.totals(A)).toEqual({ rows: 1, billed_cost: "1", effective_cost: "1" });
        expect(await wh.days(A)).toEqual(["2026-01-01"]);
        expect(await wh.queryDaily(A, { window, groupBy: [] })).toEqual([
          { date: "2026-01-01", dims: {}, billed_cost: "1", effective_cost: "1" },
        ]);
        expect(await wh.days(B)).toEqual(["2026-01-05"]);
      });

      it("refuses to write another tenant's record", async () => {
        const foreign = costRecord({ tenant_id: B });
        await expect(wh.upsert(A, [foreign])).rejects.toThrow(/another tenant/);
        expect((await wh.totals(B)).rows).toBe(0);
      });

      it("a tenant id that looks like SQL matches nothing", async () => {
        await wh.upsert(A, [day("2026-01-01")]);
        expect((await wh.totals(`${A}' OR '1'='1`)).rows).toBe(0);
        expect(await wh.days(`x' OR tenant_id <> '`)).toEqual([]);
      });
    });

    describe("exact money", () => {
      it("10,000 rows of 0.1 and 10,000 of 0.2 sum to exactly 3000", async () => {
        // Prepare: 20,000 distinct keys (resource ids) over 10 days.
        const rows: CostRecord[] = [];
        for (let i = 0; i < 20_000; i++) {
          const d = `2026-02-${String((i % 10) + 1).padStart(2, "0")}`;
          const amount = i < 10_000 ? "0.1" : "0.2";
          rows.push(day(d, { resource_id: `r${i}`, billed_cost: amount, effective_cost: amount }));
        }
        // Act
        const s = await wh.upsert(A, rows);
        const totals = await wh.totals(A);
        const daily = await wh.queryDaily(A, { window: { start: "2026-02-01", end: "2026-02-28" }, groupBy: [] });
        // Assess
        expect(s.inserted).toBe(20_000);
        expect(totals).toEqual({ rows: 20_000, billed_cost: "3000", effective_cost: "3000" });
        expect(daily).toHaveLength(10);
        expect(daily.every((r) => r.billed_cost === "300")).toBe(true);
      });

      it("keeps 12 decimal places, rounds beyond them half-even, and nets credits to zero", async () => {
        await wh.upsert(A, [
          day("2026-01-01", { billed_cost: "0.000000000001" }),
          day("2026-01-02", { billed_cost: "0.0000000000015" }),
          day("2026-01-03", { billed_cost: "0.0000000000005" }),
          day("2026-01-04", { billed_cost: "12.5", effective_cost: "12.5" }),
          day("2026-01-04", { billed_cost: "-12.5", effective_cost: "-12.5", charge_category: "Credit" }),
        ]);
        const daily = await wh.queryDaily(A, { window: { start: "2026-01-01", end: "2026-01-04" }, groupBy: [] });
        expect(daily.map((r) => [r.date, r.billed_cost, r.effective_cost])).toEqual([
          ["2026-01-01", "0.000000000001", "1"],
          ["2026-01-02", "0.000000000002", "1"],
          ["2026-01-03", "0", "1"],
          ["2026-01-04", "0", "0"],
        ]);
      });
    });

    describe("replaceWindow", () => {
      const scope = () => ({ tenantId: A, provider: "gcp" as const, source: "gcp-export" });

      async function seed(): Promise<void> {
        await wh.upsert(A, [
          day("2026-03-01", { resource_id: "keep-day1" }),
          day("2026-03-02", { resource_id: "stays" }),
          day("2026-03-02", { resource_id: "vanishes" }),
          day("2026-03-02", { resource_id: "vanishes-p2", sub_account_id: "p2" }),
          day("2026-03-02", { resource_id: "aws-row", provider: "aws" }),
          day("2026-03-02", { resource_id: "focus-row", source: "focus-file" }),
          day("2026-03-03", { resource_id: "keep-day3" }),
        ]);
        await wh.upsert(B, [
          costRecord({ tenant_id: B, charge_period_start: "2026-03-02", resource_id: "vanishes" }),
        ]);
      }

      it("deletes the day's vanished rows of the scope and keeps other days, providers, sources and tenants", async () => {
        await seed();
        const s = await wh.replaceWindow(scope(), { start: "2026-03-02", end: "2026-03-02" }, [
          day("2026-03-02", { resource_id: "stays" }),
          day("2026-03-02", { resource_id: "new" }),
        ]);
        expect(s).toEqual(stats({ inserted: 1, unchanged: 1, deleted: 2 }));
        const rows = await wh.queryDaily(A, { window: { start: "2026-03-01", end: "2026-03-03" }, groupBy: ["provider"] });
        expect(rows.map((r) => [r.date, r.dims.provider, r.billed_cost])).toEqual([
          ["2026-03-01", "gcp", "1"],
          ["2026-03-02", "aws", "1"],
          ["2026-03-02", "gcp", "3"], // stays, new, focus-row
          ["2026-03-03", "gcp", "1"],
        ]);
        expect((await wh.totals(B)).rows).toBe(1);
      });

      it("with subAccountIds, only those sub accounts' rows can vanish", async () => {
        await seed();
        const s = await wh.replaceWindow(
          { ...scope(), subAccountIds: ["p2"] },
          { start: "2026-03-01", end: "2026-03-03" },
          [],
        );
        expect(s).toEqual(stats({ deleted: 1 }));
        expect((await wh.totals(A)).rows).toBe(6);
      });

      it("with billingAccountIds, only those billing accounts' rows can vanish, and a row of another is refused", async () => {
        await seed();
        await wh.upsert(A, [day("2026-03-02", { resource_id: "other-payer", billing_account_id: "ba-2" })]);
        const window = { start: "2026-03-01", end: "2026-03-03" };
        const s = await wh.replaceWindow({ ...scope(), billingAccountIds: ["ba-2"] }, window, []);
        expect(s).toEqual(stats({ deleted: 1 }));
        expect((await wh.totals(A)).rows).toBe(7);
        await expect(wh.replaceWindow({ ...scope(), billingAccountIds: ["ba-2"] }, window, [rec({ charge_period_start: "2026-03-02" })])).rejects.toThrow(/billing accounts/);
      });

      it("replacing with the same rows twice is idempotent", async () => {
        await seed();
        const window = { start: "2026-03-01", end: "2026-03-03" };
        const rows = [day("2026-03-01", { resource_id: "keep-day1" }), day("2026-03-03", { resource_id: "keep-day3" })];
        const first = await wh.replaceWindow(scope(), window, rows);
        const second = await wh.replaceWindow(scope(), window, rows);
        expect(first).toEqual(stats({ unchanged: 2, deleted: 3 }));
        expect(second).toEqual(stats({ unchanged: 2 }));
      });

      it.each<[string, Parameters<typeof costRecord>[0]]>([
        ["a row outside the window", { charge_period_start: "2026-03-09" }],
        ["a row of another provider", { charge_period_start: "2026-03-02", provider: "aws" }],
        ["a row of another source", { charge_period_start: "2026-03-02", source: "x" }],
        ["a row of another sub account", { charge_period_start: "2026-03-02", sub_account_id: "p9" }],
      ])("rejects %s and changes nothing", async (_label, over) => {
        await seed();
        const window = { start: "2026-03-01", end: "2026-03-03" };
        await expect(wh.replaceWindow({ ...scope(), subAccountIds: ["p1", "p2"] }, window, [rec(over)])).rejects.toThrow();
        expect((await wh.totals(A)).rows).toBe(7);
      });

      it.each([
        ["an inverted window", { start: "2026-03-03", end: "2026-03-01" }, {}],
        ["an empty subAccountIds", { start: "2026-03-01", end: "2026-03-03" }, { subAccountIds: [] }],
      ])("rejects %s", async (_label, window, extra) => {
        await seed();
        await expect(wh.replaceWindow({ ...scope(), ...extra }, window, [])).rejects.toThrow();
        expect((await wh.totals(A)).rows).toBe(7);
      });
    });

    describe("queries", () => {
      async function seed(): Promise<void> {
        await wh.upsert(A, [
          day("2026-04-01", { service_name: "Compute", billed_cost: "10", effective_cost: "8" }),
          day("2026-04-01", { service_name: "Storage", billed_cost: "2.5", effective_cost: "2.5" }),
          day("2026-04-01", { service_name: "Storage", region_id: "us-east1", billed_cost: "0.5", effective_cost: "0.5" }),
          day("2026-04-01", { service_name: "Compute", charge_category: "Credit", billed_cost: "-1", effective_cost: "-1" }),
          day("2026-04-02", { service_name: "Compute", billed_cost: "11", effective_cost: "9" }),
          day("2026-04-02", { provider: "aws", service_name: "EC2", sub_account_id: "111", billed_cost: "7", effective_cost: "7" }),
          day("2026-04-03", { service_name: "Compute", billed_cost: "12", effective_cost: "10" }),
        ]);
      }

      it.each<[string, CostQuery, [string, string, string, string][]]>([
        [
          "by day only",
          { window: { start: "2026-04-01", end: "2026-04-03" }, groupBy: [] },
          [
            ["2026-04-01", "", "12", "10"],
            ["2026-04-02", "", "18", "16"],
            ["2026-04-03", "", "12", "10"],
          ],
        ],
        [
          "by service, ordered by day then service",
          { window: { start: "2026-04-01", end: "2026-04-02" }, groupBy: ["service_name"] },
          [
            ["2026-04-01", "Compute", "9", "7"],
            ["2026-04-01", "Storage", "3", "3"],
            ["2026-04-02", "Compute", "11", "9"],
            ["2026-04-02", "EC2", "7", "7"],
          ],
        ],
        [
          "filtered to usage, by service",
          { window: { start: "2026-04-01", end: "2026-04-01" }, groupBy: ["service_name"], filter: { charge_category: ["Usage"] } },
          [
            ["2026-04-01", "Compute", "10", "8"],
            ["2026-04-01", "Storage", "3", "3"],
          ],
        ],
        [
          "filtered to aws, by sub account",
          { window: { start: "2026-04-01", end: "2026-04-30" }, groupBy: ["sub_account_id"], filter: { provider: ["aws"] } },
          [["2026-04-02", "111", "7", "7"]],
        ],
        [
          "two filters together",
          {
            window: { start: "2026-04-01", end: "2026-04-30" },
            groupBy: ["service_name"],
            filter: { provider: ["gcp"], service_name: ["Compute", "EC2"] },
          },
          [
            ["2026-04-01", "Compute", "9", "7"],
            ["2026-04-02", "Compute", "11", "9"],
            ["2026-04-03", "Compute", "12", "10"],
          ],
        ],
        [
          "an empty filter list matches nothing",
          { window: { start: "2026-04-01", end: "2026-04-30" }, groupBy: [], filter: { provider: [] } },
          [],
        ],
      ])("queryDaily %s", async (_label, query, expected) => {
        await seed();
        const rows = await wh.queryDaily(A, query);
        const flat = rows.map((r) => [r.date, Object.values(r.dims).join("|"), r.billed_cost, r.effective_cost]);
        expect(flat).toEqual(expected);
      });

      it("queryDaily groups by several dimensions and names them in dims", async () => {
        await seed();
        const rows = await wh.queryDaily(A, {
          window: { start: "2026-04-01", end: "2026-04-01" },
          groupBy: ["service_name", "region_id"],
        });
        expect(rows).toEqual([
          { date: "2026-04-01", dims: { service_name: "Compute", region_id: "europe-west1" }, billed_cost: "9", effective_cost: "7" },
          { date: "2026-04-01", dims: { service_name: "Storage", region_id: "europe-west1" }, billed_cost: "2.5", effective_cost: "2.5" },
          { date: "2026-04-01", dims: { service_name: "Storage", region_id: "us-east1" }, billed_cost: "0.5", effective_cost: "0.5" },
        ]);
      });

      it("queryDaily keeps only rows whose tags hold every requested pair", async () => {
        const day = "2026-05-02";
        await wh.upsert(A, [
          costRecord({ tenant_id: A, charge_period_start: day, charge_period_end: "2026-05-03", service_name: "t1", billed_cost: "4", tags: { team: "ml", env: "prod" } }),
          costRecord({ tenant_id: A, charge_period_start: day, charge_period_end: "2026-05-03", service_name: "t2", billed_cost: "3", tags: { team: "ml", env: "dev" } }),
          costRecord({ tenant_id: A, charge_period_start: day, charge_period_end: "2026-05-03", service_name: "t3", billed_cost: "2", tags: {} }),
        ]);
        const sum = async (tags: Record<string, string>) =>
          (await wh.queryDaily(A, { window: { start: day, end: day }, groupBy: [], tags })).map((r) => r.billed_cost);
        expect(await sum({ team: "ml" })).toEqual(["7"]);
        expect(await sum({ team: "ml", env: "prod" })).toEqual(["4"]);
        expect(await sum({ team: "ops" })).toEqual([]);
        expect(await sum({ "team\" OR 1=1 --": "ml" }).catch((e: Error) => e.message)).toMatch(/invalid cost query[\s\S]*tags/);
      });

      it("queryDaily groups by charge category", async () => {
        await seed();
        const rows = await wh.queryDaily(A, {
          window: { start: "2026-04-01", end: "2026-04-01" },
          groupBy: ["service_name", "charge_category"],
        });
        expect(rows.map((r) => [r.dims.service_name, r.dims.charge_category, r.billed_cost])).toEqual([
          ["Compute", "Credit", "-1"],
          ["Compute", "Usage", "10"],
          ["Storage", "Usage", "3"],
        ]);
      });

      it("queryDaily groups and filters by billing currency, so sums never cross currencies", async () => {
        const day = "2026-04-09";
        await wh.upsert(A, [
          costRecord({ tenant_id: A, charge_period_start: day, charge_period_end: nextDay(day), service_name: "Compute", billed_cost: "10", effective_cost: "10" }),
          costRecord({ tenant_id: A, charge_period_start: day, charge_period_end: nextDay(day), service_name: "Storage", billed_cost: "7", effective_cost: "7", billing_currency: "EUR" }),
        ]);
        const rows = await wh.queryDaily(A, { window: { start: day, end: day }, groupBy: ["billing_currency"] });
        expect(rows.map((r) => [r.dims.billing_currency, r.billed_cost])).toEqual([
          ["EUR", "7"],
          ["USD", "10"],
        ]);
        const eur = await wh.queryDaily(A, { window: { start: day, end: day }, groupBy: ["service_name"], filter: { billing_currency: ["EUR"] } });
        expect(eur.map((r) => [r.dims.service_name, r.billed_cost])).toEqual([["Storage", "7"]]);
      });

      describe("groupByTags", () => {
        const d1 = "2026-05-02";
        const d2 = "2026-05-03";
        async function seedTags(): Promise<void> {
          const at = (d: string, over: Parameters<typeof costRecord>[0]) => day(d, over);
          await wh.upsert(A, [
            at(d1, { resource_id: "r1", billed_cost: "4", tags: { team: "ml", env: "prod" } }),
            at(d1, { resource_id: "r2", billed_cost: "3", tags: { team: "ml", env: "dev" } }),
            at(d1, { resource_id: "r3", billed_cost: "2", tags: {} }),
            at(d1, { resource_id: "r4", billed_cost: "1.5", tags: { team: "web", owner: "x" } }),
            at(d1, { resource_id: "r5", billed_cost: "0.25", tags: { env: "prod" } }),
            at(d2, { resource_id: "r1", billed_cost: "5", tags: { team: "ml", env: "prod" } }),
            at(d2, { resource_id: "r6", billed_cost: "1", service_name: "BigQuery", tags: { team: "ml", env: "prod" } }),
          ]);
        }
        const flat = (rows: Awaited<ReturnType<CostWarehouse["queryDaily"]>>) => rows.map((r) => [r.date, r.dims, r.tags, r.billed_cost]);

        it("carries the values of the keys on each row; a missing key is absent and sorts last", async () => {
          await seedTags();
          const rows = await wh.queryDaily(A, { window: { start: d1, end: d2 }, groupBy: [], groupByTags: ["team"] });
          expect(flat(rows)).toEqual([
            [d1, {}, { team: "ml" }, "7"],
            [d1, {}, { team: "web" }, "1.5"],
            [d1, {}, {}, "2.25"],
            [d2, {}, { team: "ml" }, "6"],
          ]);
        });

        it("groups by several keys and dimensions together, in the order given", async () => {
          await seedTags();
          const rows = await wh.queryDaily(A, { window: { start: d1, end: d2 }, groupBy: ["service_name"], groupByTags: ["env", "team"] });
          expect(flat(rows)).toEqual([
            [d1, { service_name: "Compute Engine" }, { env: "dev", team: "ml" }, "3"],
            [d1, { service_name: "Compute Engine" }, { env: "prod", team: "ml" }, "4"],
            [d1, { service_name: "Compute Engine" }, { env: "prod" }, "0.25"],
            [d1, { service_name: "Compute Engine" }, { team: "web" }, "1.5"],
            [d1, { service_name: "Compute Engine" }, {}, "2"],
            [d2, { service_name: "BigQuery" }, { env: "prod", team: "ml" }, "1"],
            [d2, { service_name: "Compute Engine" }, { env: "prod", team: "ml" }, "5"],
          ]);
        });

        it("works with the tags filter, and rows carry no tags when no tag key is grouped", async () => {
          await seedTags();
          const filtered = await wh.queryDaily(A, { window: { start: d1, end: d1 }, groupBy: [], groupByTags: ["env"], tags: { team: "ml" } });
          const plain = await wh.queryDaily(A, { window: { start: d1, end: d1 }, groupBy: [] });
          const none = await wh.queryDaily(A, { window: { start: d1, end: d1 }, groupBy: [], groupByTags: [] });
          expect(flat(filtered)).toEqual([
            [d1, {}, { env: "dev" }, "3"],
            [d1, {}, { env: "prod" }, "4"],
          ]);
          expect(plain).toEqual([{ date: d1, dims: {}, billed_cost: "10.75", effective_cost: "5" }]);
          expect(plain[0]).not.toHaveProperty("tags");
          expect(flat(none)).toEqual([[d1, {}, {}, "10.75"]]);
        });

        it("takes keys with dots, slashes and spaces", async () => {
          await wh.upsert(A, [
            day(d1, { resource_id: "k1", billed_cost: "2", tags: { "k8s.io/app": "web", "cost center": "7" } }),
            day(d1, { resource_id: "k2", billed_cost: "3", tags: { "k8s.io/app": "web" } }),
          ]);
          const rows = await wh.queryDaily(A, { window: { start: d1, end: d1 }, groupBy: [], groupByTags: ["k8s.io/app", "cost center"] });
          expect(rows.map((r) => [r.tags, r.billed_cost])).toEqual([
            [{ "k8s.io/app": "web", "cost center": "7" }, "2"],
            [{ "k8s.io/app": "web" }, "3"],
          ]);
        });

        it.each<[string, string[]]>([
          ["a key that could break out of the JSON path", ['team" OR 1=1 --']],
          ["a key listed twice", ["team", "team"]],
          ["more than 20 keys", Array.from({ length: 21 }, (_, i) => `k${i}`)],
          ["an empty key", [""]],
        ])("rejects %s", async (_label, groupByTags) => {
          await seedTags();
          await expect(wh.queryDaily(A, { window: { start: d1, end: d1 }, groupBy: [], groupByTags })).rejects.toThrow(/invalid cost query/);
        });
      });

      it("totals over a window, and days newest last", async () => {
        await seed();
        expect(await wh.totals(A, { start: "2026-04-02", end: "2026-04-03" })).toEqual({
          rows: 3,
          billed_cost: "30",
          effective_cost: "26",
        });
        expect(await wh.days(A)).toEqual(["2026-04-01", "2026-04-02", "2026-04-03"]);
      });

      it.each<[string, unknown]>([
        ["an unknown dimension", { window: { start: "2026-04-01", end: "2026-04-02" }, groupBy: ["tenant_id"] }],
        ["a filter on an unknown column", { window: { start: "2026-04-01", end: "2026-04-02" }, groupBy: [], filter: { "1=1; --": ["x"] } }],
        ["a bad window", { window: { start: "April", end: "2026-04-02" }, groupBy: [] }],
      ])("queryDaily rejects %s", async (_label, query) => {
        await seed();
        await expect(wh.queryDaily(A, query as CostQuery)).rejects.toThrow(/invalid/);
      });
    });

    describe("ledger views", () => {
      // A cloud bill and the Kubernetes allocation of the same node money (OpenCost rows, tagged).
      const allocation = (namespace: string, cost: string) =>
        day("2026-05-01", {
          provider: "other",
          sub_account_id: namespace,
          resource_id: namespace,
          billed_cost: cost,
          effective_cost: cost,
          tags: { "costmon:view": "kubernetes-allocation", "k8s:namespace": namespace },
        });
      const seedViews = () =>
        wh.upsert(A, [day("2026-05-01", { provider: "aws", billed_cost: "100", effective_cost: "100" }), allocation("web", "60"), allocation("batch", "40")]);
      const window = { start: "2026-05-01", end: "2026-05-01" };

      it("reads the billed view by default: the allocation rows are not added to the bill", async () => {
        await seedViews();
        expect(await wh.queryDaily(A, { window, groupBy: [] })).toEqual([{ date: "2026-05-01", dims: {}, billed_cost: "100", effective_cost: "100" }]);
        expect((await wh.queryDaily(A, { window, groupBy: ["provider"] })).map((r) => r.dims.provider)).toEqual(["aws"]);
      });

      it("reads the allocation view when asked, or when its tag filter is on a k8s: tag", async () => {
        await seedViews();
        const byNamespace = await wh.queryDaily(A, { window, groupBy: [], groupByTags: ["k8s:namespace"], view: "kubernetes-allocation" });
        expect(byNamespace.map((r) => [r.tags?.["k8s:namespace"], r.billed_cost])).toEqual([["batch", "40"], ["web", "60"]]);
        expect(await wh.queryDaily(A, { window, groupBy: [], view: "kubernetes-allocation" })).toEqual([{ date: "2026-05-01", dims: {}, billed_cost: "100", effective_cost: "100" }]);
        expect(await wh.queryDaily(A, { window, groupBy: [], tags: { "k8s:namespace": "web" } })).toEqual([{ date: "2026-05-01", dims: {}, billed_cost: "60", effective_cost: "60" }]);
        // Grouping by a k8s: key alone does not switch views: the bill carries no such tag.
        expect(await wh.queryDaily(A, { window, groupBy: [], groupByTags: ["k8s:namespace"] })).toEqual([{ date: "2026-05-01", dims: {}, tags: {}, billed_cost: "100", effective_cost: "100" }]);
        // The row-count check figure sees every row of both views.
        expect((await wh.totals(A, window)).rows).toBe(3);
      });
    });
  });
}

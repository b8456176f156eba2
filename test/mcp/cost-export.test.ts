import Big from "big.js";
import { parse } from "csv-parse/sync";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tenantStream } from "#foundation/secops/audit-log.js";
import { costRow } from "../entrypoints/support/seed.js";
import { authInfoOf, type Harness, harness, principal, seedTenant } from "./support.js";

type Content = { type: string; text?: string; uri?: string; mimeType?: string };

/** get_costs links the whole table as CSV; reading the link goes through the same gate as the tools. */
describe("get_costs' resource_link to the table as CSV", () => {
  let h: Harness;
  const viewer = authInfoOf(principal({ tenantId: "t1" }));
  beforeEach(async () => {
    h = await harness();
    await seedTenant(h, "t1", "MARK-ONE");
    await seedTenant(h, "t2", "MARK-TWO", "999");
    // Enough daily rows that a page of 5 holds a fraction of them, one in EUR.
    const days = Array.from({ length: 20 }, (_, i) => `2026-03-${String(i + 5).padStart(2, "0")}`);
    await h.warehouse.upsert("t1", [
      ...days.map((d, i) => costRow("t1", d, { service_name: "BigQuery", billed_cost: `1.${i}1`, effective_cost: `1.${i}1`, resource_id: `bq-${i}` })),
      costRow("t1", "2026-03-06", { service_name: "Compute Engine", billed_cost: "0.012434", effective_cost: "0.012434", billing_currency: "EUR" }),
    ]);
  });
  afterEach(async () => h.close());

  const args = { start: "2026-03-01", end: "2026-03-31", group_by: ["service"], granularity: "daily", view: "rows", limit: 5 };

  it("links every row of the table, whatever the page, and the CSV sums to the totals per currency", async () => {
    const client = await h.connect(viewer);
    const answer = (await client.callTool({ name: "get_costs", arguments: args })) as { content: Content[] };
    const body = JSON.parse(answer.content[0]?.text ?? "{}");
    expect(body.returned).toBe(5);
    const link = answer.content.find((c) => c.type === "resource_link");
    expect(link).toMatchObject({ mimeType: "text/csv", uri: "costmon://exports/costs/daily/2026-03-01/2026-03-31/service" });

    const read = await client.readResource({ uri: String(link?.uri) });
    const csv = String((read.contents[0] as { text: string }).text);
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0] ?? {})).toEqual(["period", "service", "currency", "billed_cost", "effective_cost"]);
    expect(rows).toHaveLength(body.rowCount);
    for (const t of body.totals as { currency: string; billedCost: string }[]) {
      const sum = rows.filter((r) => r.currency === t.currency).reduce((s, r) => s.plus(r.billed_cost ?? "0"), new Big(0));
      expect(sum.toFixed(), t.currency).toBe(new Big(t.billedCost).toFixed());
    }
    expect(csv).not.toContain("MARK-TWO");
  });

  it("reads the reader's own tenant: a link handed to another tenant's client shows that tenant's costs only", async () => {
    const mine = await h.connect(viewer);
    const link = ((await mine.callTool({ name: "get_costs", arguments: args })) as { content: Content[] }).content.find((c) => c.type === "resource_link");
    const other = await h.connect(authInfoOf(principal({ tenantId: "t2" })));
    const csv = String(((await other.readResource({ uri: String(link?.uri) })).contents[0] as { text: string }).text);
    expect(csv).toContain("MARK-TWO");
    expect(csv).not.toContain("MARK-ONE");
    expect(csv).not.toContain("BigQuery");
  });

  it("is refused without credentials or without the costs skill, and every read is audited", async () => {
    const uri = "costmon://exports/costs/monthly/2026-03-01/2026-03-31/total";
    await expect((await h.connect(undefined)).readResource({ uri })).rejects.toThrow(/unauthenticated/);
    const noCosts = authInfoOf(principal({ tenantId: "t1", skills: ["budgets"] }));
    await expect((await h.connect(noCosts)).readResource({ uri })).rejects.toThrow(/permission denied/);
    await (await h.connect(viewer)).readResource({ uri });
    const page = await h.auditStore.list(`audit_streams/${encodeURIComponent(tenantStream("t1"))}/records`, { limit: 1000 });
    const reads = page.docs.map((d) => d.data as { action: string; decision: string }).filter((r) => r.action.endsWith("mcp.resource:costs-export"));
    expect(reads.map((r) => r.decision)).toEqual(["deny", "allow"]);
    expect((await h.audit.verifyAuditChain(tenantStream("t1"))).ok).toBe(true);
  });

  it("answers a malformed link with invalid params, never an internal error", async () => {
    const client = await h.connect(viewer);
    for (const uri of [
      "costmon://exports/costs/monthly/2026-03-01/2026-03-31/tenant",
      "costmon://exports/costs/weekly/2026-03-01/2026-03-31/total",
      "costmon://exports/costs/monthly/2026-03-31/2026-03-01/total",
      "costmon://exports/costs/monthly/2020-01-01/2026-03-01/total",
      "costmon://exports/costs/monthly/2026-03-01/2026-13-01/total",
    ]) {
      await expect(client.readResource({ uri }), uri).rejects.toThrow(/invalid export link/);
    }
  });
});

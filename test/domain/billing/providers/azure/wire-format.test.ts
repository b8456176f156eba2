import { request } from "node:https";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildQueryDefinition } from "#domain/billing/providers/azure/query.js";
import { startAzureCostManagementReplay } from "../../../../support/replay/azure-cost-management-server.js";
import { azureBaseItems, truthRows } from "../../../../support/replay/billing-dataset.js";
import { sharedData } from "../../../../support/shared-data.js";

/**
 * The replay server's Query_Usage answer must have the structure of the recorded 2025-03-01
 * examples (same keys at every level, same column types), and the collector's request body the
 * structure of the examples' request (type, timeframe, timePeriod, dataset.granularity...).
 */
const example = JSON.parse(
  readFileSync(sharedData("azure-cost-management-2025-03-01", "examples", "SubscriptionForecast.json"), "utf8"),
) as { parameters: { parameters: Record<string, unknown> }; responses: { "200": { body: Record<string, unknown> } } };

/** Every key path of a JSON value (array elements collapse to "[]"). */
function keyPaths(v: unknown, prefix = "$"): Set<string> {
  const out = new Set<string>();
  const walk = (x: unknown, p: string) => {
    if (Array.isArray(x)) {
      for (const e of x) walk(e, `${p}[]`);
    } else if (typeof x === "object" && x !== null) {
      for (const [k, e] of Object.entries(x)) {
        out.add(`${p}.${k}`);
        walk(e, `${p}.${k}`);
      }
    }
  };
  walk(v, prefix);
  return out;
}

function post(url: string, ca: string, body: unknown): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", ca, headers: { "content-type": "application/json", authorization: "Bearer t" } }, (res) => {
      let text = "";
      res.on("data", (c) => {
        text += c;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
    });
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

describe("Query_Usage wire format against the recorded 2025-03-01 examples", () => {
  it("the collector's request body has the keys the example request uses", () => {
    // Prepare
    const ours = keyPaths(JSON.parse(JSON.stringify(buildQueryDefinition({ start: "2026-10-01", end: "2026-10-02" }))));
    const theirs = keyPaths(example.parameters.parameters);

    // Act
    const shared = ["$.type", "$.timeframe", "$.timePeriod.from", "$.timePeriod.to", "$.dataset.granularity", "$.dataset.aggregation.totalCost.name", "$.dataset.aggregation.totalCost.function"];

    // Assess
    for (const k of shared) {
      expect(theirs.has(k), `example has ${k}`).toBe(true);
      expect(ours.has(k), `request has ${k}`).toBe(true);
    }
  });

  it("the replay server answers with exactly the example response's key structure", async () => {
    // Prepare
    const sub = "11111111-1111-1111-1111-111111111111";
    const window = { start: "2026-10-01", end: "2026-10-03" };
    const server = await startAzureCostManagementReplay({ rows: truthRows(azureBaseItems(), [sub], window, { dp: 10 }) , rowsPerPage: 5 });
    try {
      // Act
      const res = await post(
        `${server.url}/subscriptions/${sub}/providers/Microsoft.CostManagement/query?api-version=2025-03-01`,
        server.ca,
        JSON.parse(JSON.stringify(buildQueryDefinition(window))),
      );

      // Assess: same key paths; UsageDate a yyyymmdd number; money a number; currency a column.
      expect(res.status).toBe(200);
      expect([...keyPaths(res.json)].sort()).toEqual([...keyPaths(example.responses["200"].body)].sort());
      const props = (res.json as { properties: { columns: { name: string; type: string }[]; rows: unknown[][]; nextLink: string } }).properties;
      const col = (n: string) => props.columns.findIndex((c) => c.name === n);
      expect(props.columns.find((c) => c.name === "UsageDate")?.type).toBe("Number");
      expect(props.rows[0]?.[col("UsageDate")]).toBe(20261001);
      expect(typeof props.rows[0]?.[col("Cost")]).toBe("number");
      expect(props.rows[0]?.[col("Currency")]).toBe("USD");
      expect(props.nextLink).toMatch(/api-version=2025-03-01&\$skiptoken=/);
    } finally {
      await server.close();
    }
  });
});

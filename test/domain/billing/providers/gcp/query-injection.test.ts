import { OAuth2Client } from "google-auth-library";
import { parse } from "sql-parser-cst";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { bigQueryApi, createBillingBigQuery } from "#adapters/billing/bigquery-billing-client.js";
import { buildCostQuery, type ExportKind, fetchAllRows } from "#domain/billing/providers/gcp/query.js";
import { type BigQueryReplayServer, startBigQueryReplay } from "../../../../support/replay/bigquery-server.js";

/**
 * Issue 5: "a hostile project id or label value cannot change the SQL". The real BigQuery client
 * posts each query to the replay server; the SQL it sent is parsed in the BigQuery dialect and
 * compared with a benign baseline, and the hostile values must travel only as query parameters.
 */
const HOSTILE = [
  "x') OR 1=1 --",
  "a`; DROP TABLE billing.t; --",
  '" OR ""="',
  "p\nUNION ALL SELECT * FROM `other.tenant.table`",
  "@authorized_projects",
  "\\'; SELECT 1; --",
  "%s' OR '1'='1",
];

const JobBody = z.object({
  configuration: z.object({
    query: z.object({
      query: z.string(),
      parameterMode: z.string(),
      useLegacySql: z.boolean().optional(),
      queryParameters: z.array(
        z.object({
          name: z.string(),
          parameterValue: z.object({ value: z.string().optional(), arrayValues: z.array(z.object({ value: z.string() })).optional() }),
        }),
      ),
    }),
  }),
});

let server: BigQueryReplayServer;
beforeAll(async () => {
  server = await startBigQueryReplay({ rows: [], billingAccountId: "01338E-BE3FD6-363B4C" });
});
afterAll(async () => {
  await server.close();
});

async function sentQuery(kind: ExportKind, project: string, labelValue: string) {
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: "test-token", expiry_date: Date.now() + 3_600_000 });
  const api = bigQueryApi(createBillingBigQuery({ projectId: "billing-admin", apiEndpoint: server.url, authClient }));
  const before = server.insertedJobs.length;
  const built = buildCostQuery({
    table: "billing-admin.all_billing_data.gcp_billing_export_v1_01338E_BE3FD6_363B4C",
    kind,
    window: { start: "2026-10-01", end: "2026-10-03" },
    projects: ["benign-project", project],
    labelFilter: { key: "team", value: labelValue },
  });
  await fetchAllRows(api, built);
  return JobBody.parse(server.insertedJobs[before]).configuration.query;
}

const cst = (sql: string) => JSON.stringify(parse(sql, { dialect: "bigquery", paramTypes: ["@name"], includeRange: false }));

describe.each<ExportKind>(["standard", "detailed", "focus"])("the %s export query", (kind) => {
  it.each(HOSTILE)("keeps the SQL identical when a project id and a label value are %j", async (hostile) => {
    // Prepare
    const baseline = await sentQuery(kind, "other-project", "platform");

    // Act
    const sent = await sentQuery(kind, hostile, hostile);

    // Assess: same text, same syntax tree, named parameters carrying the values verbatim.
    expect(sent.query).toBe(baseline.query);
    expect(cst(sent.query)).toBe(cst(baseline.query));
    if (!baseline.query.includes(hostile)) expect(sent.query).not.toContain(hostile);
    expect(sent.parameterMode.toUpperCase()).toBe("NAMED");
    expect(sent.useLegacySql).toBe(false);
    const params = new Map(sent.queryParameters.map((p) => [p.name, p.parameterValue]));
    expect(params.get("authorized_projects")?.arrayValues?.map((v) => v.value)).toEqual(["benign-project", hostile]);
    expect(params.get("label_value")?.value).toBe(hostile);
  });
});

import { OAuth2Client } from "google-auth-library";
import { afterEach, describe, expect, it } from "vitest";
import { BigQueryHistoryWriter, type HistoryRow } from "#adapters/bigquery/history-writer.js";
import { AppError, InputError } from "#kernel/errors.js";
import { type BigQueryJobsReplay, startBigQueryJobsReplay } from "../../support/replay/bigquery-jobs-server.js";
import { scriptedFaults } from "../../support/replay/faults.js";

/**
 * The history appender with the real client against the BigQuery replay: insertAll bodies (insert
 * ids, encoded values, strict options), batching, partial-failure retries, and refusals before
 * any request.
 */

let server: BigQueryJobsReplay | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function writer(url: string): BigQueryHistoryWriter {
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: "test-token", expiry_date: Date.now() + 3_600_000 });
  return BigQueryHistoryWriter.create({
    projectId: "costmon-test",
    location: "EU",
    apiEndpoint: url,
    authClient,
    datasets: { audit_logs: "audit_dev" },
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
    callTimeoutMs: 2_000,
  });
}

const audit = (seq: number, over: Record<string, unknown> = {}): HistoryRow => ({
  insertId: `tenant:acme:${seq}`,
  values: {
    tenant_id: "acme",
    stream: "tenant:acme",
    seq,
    occurred_at: "2026-11-20T06:00:00.000Z",
    actor: "uid-1",
    action: "costs.read",
    decision: "allow",
    outcome: "success",
    details: { reason: "ok", n: 1 },
    prev_hash: "0".repeat(64),
    record_hash: "a".repeat(64),
    ...over,
  },
});

const forecast = (d: string): HistoryRow => ({
  insertId: `acme:total:${d}`,
  values: {
    tenant_id: "acme",
    as_of: "2026-11-20",
    series_key: "total",
    forecast_date: d,
    mean: "10.1234567890129",
    lower80: "8",
    upper80: "12",
    lower95: "7",
    upper95: "1.3e1",
    recorded_at: "2026-11-20T06:00:00Z",
  },
});

describe("BigQueryHistoryWriter against the BigQuery REST replay", () => {
  it("streams rows with their insert ids, encoded for the table's schema", async () => {
    // Prepare
    server = await startBigQueryJobsReplay();

    // Act
    const sent = await writer(server.url).append("audit_events", "acme", [audit(1), audit(2, { resource: "budget/b1" })]);

    // Assess
    expect(sent).toBe(2);
    expect(server.inserts).toHaveLength(1);
    const [insert] = server.inserts;
    expect(insert!.table).toBe("audit_dev.events");
    expect(insert!.body).toMatchObject({ skipInvalidRows: false, ignoreUnknownValues: false });
    expect(insert!.body.rows.map((r) => r.insertId)).toEqual(["tenant:acme:1", "tenant:acme:2"]);
    // JSON columns travel as JSON text; a nullable column left out is sent as null.
    expect(insert!.body.rows[0]!.json).toMatchObject({ details: '{"reason":"ok","n":1}', resource: null, seq: 1 });
    expect(insert!.body.rows[1]!.json.resource).toBe("budget/b1");
  });

  it("rounds money to the column's 12 places like the ledger and sends it as decimal text", async () => {
    server = await startBigQueryJobsReplay();

    await writer(server.url).append("forecasts", "acme", [forecast("2026-11-21")]);

    expect(server.inserts[0]!.body.rows[0]!.json).toMatchObject({ mean: "10.123456789013", upper95: "13", lower80: "8" });
  });

  it("encodes repeated records (an anomaly's root causes) field by field", async () => {
    server = await startBigQueryJobsReplay();
    const anomaly: HistoryRow = {
      insertId: "acme:anomaly-1:2026-11-20",
      values: {
        tenant_id: "acme",
        run_date: "2026-11-20",
        anomaly_id: "anomaly-1",
        series_key: "gcp/p1/Compute",
        start_date: "2026-11-19",
        end_date: "2026-11-20",
        direction: "increase",
        expected: "100",
        actual: "250.5",
        impact: "150.50",
        currency: "EUR",
        score: 7.5,
        severity: "warning",
        status: "open",
        root_causes: [{ dimension: "region", value: "us-east1", contribution: "150.5" }],
        recorded_at: "2026-11-20T06:00:00Z",
      },
    };

    await writer(server.url).append("anomalies", "acme", [anomaly]);

    expect(server.inserts[0]!.body.rows[0]!.json).toMatchObject({
      root_causes: [{ dimension: "region", value: "us-east1", contribution: "150.5" }],
      feedback: null,
      impact: "150.50",
      currency: "EUR",
    });
  });

  it("sends at most 500 rows per request", async () => {
    server = await startBigQueryJobsReplay();
    const rows = Array.from({ length: 1001 }, (_, i) => audit(i + 1));

    expect(await writer(server.url).append("audit_events", "acme", rows)).toBe(1001);

    expect(server.inserts.map((i) => i.body.rows.length)).toEqual([500, 500, 1]);
  });

  it("resends only the rows BigQuery reports as failed, with the same insert ids", async () => {
    // Prepare: the first request fails row 1 (backendError) and holds back row 2 ("stopped").
    server = await startBigQueryJobsReplay({
      insertErrors: (_body, attempt) =>
        attempt === 0
          ? [
              { index: 1, errors: [{ reason: "backendError", message: "retry" }] },
              { index: 2, errors: [{ reason: "stopped", message: "" }] },
            ]
          : [],
    });

    // Act
    await writer(server.url).append("audit_events", "acme", [audit(1), audit(2), audit(3)]);

    // Assess
    expect(server.inserts.map((i) => i.body.rows.map((r) => r.insertId))).toEqual([
      ["tenant:acme:1", "tenant:acme:2", "tenant:acme:3"],
      ["tenant:acme:2", "tenant:acme:3"],
    ]);
  });

  it("a row BigQuery keeps refusing as invalid fails for good; a 503 is retried by the client", async () => {
    server = await startBigQueryJobsReplay({ insertErrors: () => [{ index: 0, errors: [{ reason: "invalid", message: "no such field" }] }] });
    const err = await writer(server.url).append("audit_events", "acme", [audit(1)]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: "internal", retryable: false });
    expect(server.inserts).toHaveLength(3);
    await server.close();

    server = await startBigQueryJobsReplay({ faults: scriptedFaults(["server-error", "throttle"]) });
    expect(await writer(server.url).append("audit_events", "acme", [audit(1)])).toBe(1);
    expect(server.calls.map((c) => c.fault)).toEqual(["server-error", "throttle", null]);
  });

  it.each<[string, HistoryRow[]]>([
    ["an unknown column", [audit(1, { extra: 1 })]],
    ["a missing required column", [{ insertId: "x", values: { ...audit(1).values, actor: undefined } }]],
    ["a bad timestamp", [audit(1, { occurred_at: "yesterday" })]],
    ["a fractional INT64", [audit(1, { seq: 1.5 })]],
    ["another tenant's row", [audit(1, { tenant_id: "globex" })]],
    ["a repeated insert id", [audit(1), audit(1)]],
    ["an empty insert id", [{ ...audit(1), insertId: "" }]],
  ])("refuses %s before sending anything", async (_label, rows) => {
    server = await startBigQueryJobsReplay();
    await expect(writer(server.url).append("audit_events", "acme", rows)).rejects.toBeInstanceOf(InputError);
    expect(server.requests).toHaveLength(0);
  });

  it("refuses a money value that is not a decimal", async () => {
    server = await startBigQueryJobsReplay();
    const bad = forecast("2026-11-21");
    await expect(writer(server.url).append("forecasts", "acme", [{ ...bad, values: { ...bad.values, mean: "1,5" } }])).rejects.toThrow(/invalid forecasts row at index 0/);
    expect(server.requests).toHaveLength(0);
  });
});

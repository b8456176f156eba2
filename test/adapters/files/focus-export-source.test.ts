import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { focusFolderReader } from "#adapters/files/focus-export-reader.js";
import type { CloudAccountRef } from "#domain/billing/ports.js";
import { CollectionError } from "#domain/billing/providers/collection-error.js";
import { FocusExportScopeSchema, FocusExportSource } from "#domain/billing/providers/focus/export-source.js";
import { sharedData } from "../../support/shared-data.js";

/** The FOCUS export source on the FOCUS 1.0 sample (../shared/data/focus-sample-data): 1,000 rows of September 2024. */
const clock = { now: () => new Date("2024-10-03T06:00:00Z") };
const source = new FocusExportSource({ reader: focusFolderReader, clock });
const account = (scope: Record<string, string>): CloudAccountRef => ({ tenantId: "t1", accountId: "focus-1", provider: "other", scope, environment: "prod" });
const dir = mkdtempSync(join(tmpdir(), "focus-export-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("FOCUS export source", () => {
  it("keeps only the page's rows, under their own providers, and replaces every provider of the account", async () => {
    const folder = sharedData("focus-sample-data");
    const week = await source.collect({ account: account({ folder }), window: { start: "2024-09-10", end: "2024-09-16" } });
    expect(week.records.length).toBeGreaterThan(0);
    expect(week.records.every((r) => r.charge_period_start >= "2024-09-10" && r.charge_period_start <= "2024-09-16")).toBe(true);
    expect(week.records.some((r) => r.provider === "aws")).toBe(true);
    expect(week.records.every((r) => ["aws", "azure", "oci"].includes(r.provider))).toBe(true);
    expect(week.replaces).toEqual(["gcp", "aws", "azure", "oci", "other"]);
    expect(week.calls).toBe(1);
    const before = await source.collect({ account: account({ folder }), window: { start: "2024-08-01", end: "2024-08-31" } });
    expect(before.records).toEqual([]);
  });

  it("fails the page, not retryable, naming the file, line and column of a rejected row", async () => {
    const sample = readFileSync(sharedData("focus-sample-data", "focus_1.0_sample_1000.csv"), "utf8").split("\n");
    const header = sample[0] ?? "";
    const billedAt = header.split(",").indexOf('"BilledCost"');
    const row = (sample[1] ?? "").split(",");
    row[billedAt] = "1e400";
    writeFileSync(join(dir, "part-1.csv"), `${header}\n${sample[2]}\n${row.join(",")}\n`);
    const err = await source.collect({ account: account({ folder: dir }), window: { start: "2024-09-01", end: "2024-09-30" } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CollectionError);
    expect((err as CollectionError).retryable).toBe(false);
    expect((err as Error).message).toMatch(/1 rejected row\(s\); nothing of the export is written: .*part-1\.csv:3 column BilledCost/);
  });

  it("fails a bucket's page with the reason: reading Cloud Storage is not built", async () => {
    const err = await source.collect({ account: account({ bucket: "acme-billing", prefix: "focus/" }), window: { start: "2024-09-01", end: "2024-09-30" } }).catch((e: unknown) => e);
    expect((err as CollectionError).retryable).toBe(false);
    expect((err as Error).message).toMatch(/gs:\/\/acme-billing\/focus\/\) is not built/);
  });

  it("fails a missing folder, not retryable", async () => {
    const err = await source.collect({ account: account({ folder: join(dir, "nope") }), window: { start: "2024-09-01", end: "2024-09-30" } }).catch((e: unknown) => e);
    expect((err as CollectionError).retryable).toBe(false);
    expect((err as Error).message).toMatch(/cannot open/);
  });

  it.each([
    [{ folder: "relative/path" }, "folder"],
    [{ folder: "/a/../b" }, "folder"],
    [{ folder: "/a", bucket: "bucket-1" }, "folder"],
    [{}, "folder"],
    [{ bucket: "goog-billing" }, "bucket"],
    [{ bucket: "ab" }, "bucket"],
    [{ bucket: "acme-1", prefix: "/abs" }, "prefix"],
    [{ folder: "/a", prefix: "x/" }, "prefix"],
    [{ folder: "/a", defaultCurrency: "usd" }, "defaultCurrency"],
  ])("refuses the scope %j at %s", (scope, path) => {
    const r = FocusExportScopeSchema.safeParse(scope);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join("."))).toContain(path);
  });
});

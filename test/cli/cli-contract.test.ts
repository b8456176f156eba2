import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "../support/shared-data.js";

const run = promisify(execFile);
const bin = join(repoRoot, "bin", "costmon.mjs");

/** `costmon ARGS` as a user runs it: a separate process, started from `cwd`. */
async function costmon(cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [bin, ...args], { cwd, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

describe("costmon as a command", () => {
  // Started from a folder outside the checkout: the defaults (config/, .data) must not depend on the cwd.
  const elsewhere = mkdtempSync(join(tmpdir(), "costmon-cwd-"));
  afterAll(() => rmSync(elsewhere, { recursive: true, force: true }));

  it("prints the package.json version for --version", async () => {
    const { version } = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string };
    const r = await costmon(elsewhere, "--version");
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(version);
  });

  it("prints only JSON on stdout through npm run nightly -- --json, as a pipe into jq reads it", () => {
    // Act: the README's own form, through the machine's npm (its banner must not reach stdout)
    const r = spawnSync("npm", ["run", "nightly", "--", "--json", "--no-reports", "--data-dir", join(elsewhere, "npm-data")], { cwd: repoRoot, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    // Assess
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { tenants: unknown[] };
    expect(summary.tenants.length).toBeGreaterThan(0);
    expect(r.stderr).toContain("> node bin/costmon.mjs nightly");
  }, 120_000);

  it("prints only JSON on stdout for nightly --json, while alerts and progress go to stderr", async () => {
    const dataDir = join(elsewhere, "data");
    const r = await costmon(elsewhere, "nightly", "--json", "--data-dir", dataDir);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as { runDate: string; tenants: { tenantId: string; records: number }[] };
    expect(summary.tenants.length).toBeGreaterThan(0);
    expect(summary.tenants.every((t) => t.records > 0)).toBe(true);
    // The demo fires alerts on a first run; they must be on stderr, not mixed into the JSON.
    expect(r.stderr).toMatch(/\[alert /);
    expect(r.stdout).not.toMatch(/\[alert /);
    // Stderr is not a terminal here: plain lines, and no ratio before fan-out has fixed the total.
    expect(r.stderr).not.toContain("\r");
    expect(r.stderr).not.toContain("\x1b");
    const lines = r.stderr.split("\n");
    const fanOut = lines.findIndex((l) => /fan-out: .* account pages to collect/.test(l));
    const firstRatio = lines.findIndex((l) => /collect [\d,]+\/[\d,]+/.test(l));
    expect(fanOut).toBeGreaterThanOrEqual(0);
    expect(firstRatio).toBeGreaterThan(fanOut);
    const total = /([\d,]+) account pages/.exec(lines[fanOut] ?? "")?.[1];
    expect(lines.filter((l) => /collect [\d,]+\/[\d,]+/.test(l)).every((l) => l.includes(`/${total} `))).toBe(true);
    expect(r.stderr).toContain(`collect ${total}/${total} (100.0%)`);

    // The ledger the nightly wrote can be read back with costs, from the same folder.
    const tenant = summary.tenants[0]?.tenantId ?? "";
    const costs = await costmon(elsewhere, "costs", "--tenant", tenant, "--granularity", "monthly", "--format", "json", "--data-dir", dataDir);
    expect(costs.code).toBe(0);
    const report = JSON.parse(costs.stdout) as { totals: { currency: string; billedCost: string }[] };
    expect(report.totals.length).toBeGreaterThan(0);
    expect(report.totals.every((t) => /^[A-Z]{3}$/.test(t.currency) && /^-?\d+(\.\d+)?$/.test(t.billedCost))).toBe(true);
  }, 120_000);

  it.each([
    [["nightly", "--date", "2026-02-30"]],
    [["import", "--format", "focus", "--file", "x.csv", "--tenant", "BAD TENANT"]],
    [["costs", "--tenant", "acme", "--granularity", "weekly"]],
    [["no-such-command"]],
  ])("exits 2 on bad arguments: %j", async (args) => {
    const r = await costmon(elsewhere, ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: /m);
  });
});

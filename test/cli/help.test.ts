import { describe, expect, it } from "vitest";
import { runCostmon } from "../support/run-costmon.js";

const costmon = runCostmon;

const COMMANDS = ["nightly", "dead-letters", "import", "costs", "analyze", "detect", "forecast", "tenant init", "account add", "account templates"];

describe("costmon --help", () => {
  it.each(COMMANDS)("%s --help shows examples and the exit codes", async (command) => {
    const r = await costmon(...command.split(" "), "--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: costmon ${command}`);
    expect(r.stdout).toMatch(/Examples:\n {2}costmon /);
    expect(r.stdout).toMatch(/Exit codes:\n {2}0 .*\n {2}1 .*\n {2}2 +bad arguments/);
  });

  it("lists every command at the top level", async () => {
    const r = await costmon("--help");
    for (const c of COMMANDS) expect(r.stdout).toContain(c.split(" ")[0]);
  });

  it.each([
    [["detect", "--input", "/no/such/series.csv", "--output", "-"], /--input.*no such file or folder/],
    [["forecast", "--input", "/no/such/series.csv", "--horizon", "7", "--output", "-"], /--input.*no such file or folder/],
    [["import", "--format", "focus", "--file", "/no/such/export.csv", "--tenant", "a"], /--file.*no such file or folder/],
    [["nightly", "--config", "/no/such/tenants.yaml"], /--config.*no such file or folder/],
    [["dead-letters", "list", "--tenant", "Acme"], /--tenant.*lower-case/],
    [["analyze", "--tenant", "a", "--format", "csv"], /--format/],
  ])("exits 2 before any work for %j", async (args, message) => {
    const r = await costmon(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe("");
  });
});

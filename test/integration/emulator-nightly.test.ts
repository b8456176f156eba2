import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../support/shared-data.js";

/**
 * `costmon nightly --runtime emulators` as a user runs it, as a child process: the demo tenants on
 * the official Firestore and Pub/Sub emulators print the same summary as the default runtime on
 * the same config, on stdout alone, and nothing the run started outlives it, whether it ends
 * normally, on an error or on SIGINT. History is cut to one month (a generated config folder) to
 * keep the run short. Leftovers are found by a marker in the environment, which every process the
 * command starts inherits (gcloud and its Java emulator included).
 */
const MARK = "TEST_LEFTOVER_MARK";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(args: string[], mark: string): { child: ChildProcess; done: Promise<Run>; stderr: () => string } {
  // The child reads its config from files only: no COSTMON_* of this process.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("COSTMON_")));
  const child = spawn(process.execPath, [join(repoRoot, "bin", "costmon.mjs"), ...args], { cwd: repoRoot, env: { ...env, [MARK]: mark }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (b: Buffer) => {
    stdout += b.toString();
  });
  child.stderr?.on("data", (b: Buffer) => {
    stderr += b.toString();
  });
  const done = new Promise<Run>((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
  return { child, done, stderr: () => stderr };
}

/** Processes still alive with `mark` in their environment (zombies have none left). */
function leftovers(mark: string): number[] {
  const needle = `${MARK}=${mark}`;
  return readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, "latin1").split("\0").includes(needle);
      } catch {
        return false;
      }
    })
    .map(Number);
}

const dir = mkdtempSync(join(tmpdir(), "emulator-nightly-"));
const configDir = join(dir, "config");
const tenantsFile = join(repoRoot, "config", "demo", "tenants.yaml");

/** The shipped config with one month of history, and optionally something more for the dev layer. */
function writeConfig(target: string, extra = ""): void {
  mkdirSync(target, { recursive: true });
  copyFileSync(join(repoRoot, "config", "base.yaml"), join(target, "base.yaml"));
  const dev = readFileSync(join(repoRoot, "config", "dev.yaml"), "utf8");
  writeFileSync(join(target, "dev.yaml"), `${dev}\ncollection:\n  trailing_days: 3\n  history_months: 1\n${extra}`);
}

beforeAll(() => writeConfig(configDir));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("costmon nightly --runtime emulators", () => {
  const mark = randomUUID();
  let emulators: Run;
  let local: Run;

  beforeAll(async () => {
    const common = ["nightly", "--json", "--quiet", "--config", tenantsFile, "--config-dir", configDir];
    emulators = await start([...common, "--runtime", "emulators", "--data-dir", join(dir, "emulators-run")], mark).done;
    local = await start([...common, "--data-dir", join(dir, "local-run")], randomUUID()).done;
  }, 180_000);

  it("prints exactly the default runtime's JSON summary, and nothing else on stdout", () => {
    expect(emulators.code, emulators.stderr).toBe(0);
    expect(local.code, local.stderr).toBe(0);
    const summary = JSON.parse(emulators.stdout) as { tenants: { tenantId: string; pages: number; analysis: unknown }[] };
    expect(summary.tenants.map((t) => t.tenantId)).toEqual(["acme-retail", "globex-ml", "initech"]);
    expect(summary.tenants.every((t) => t.pages > 0 && t.analysis !== null)).toBe(true);
    expect(emulators.stdout).toBe(local.stdout);
  });

  it("leaves no emulator or server process behind", () => {
    expect(leftovers(mark)).toEqual([]);
  });
});

describe("costmon nightly --runtime emulators, cut short", () => {
  it.each([
    ["while the emulators start", /▸ starting the Firestore and Pub\/Sub emulators/],
    ["during the run, once the functions are served", /event functions served/],
  ])("stops everything it started on SIGINT %s, and exits 130", async (_when, cue) => {
    // Prepare
    const mark = randomUUID();
    const run = start(["nightly", "--json", "--config", tenantsFile, "--config-dir", configDir, "--runtime", "emulators", "--data-dir", join(dir, `interrupted-${mark}`)], mark);
    await new Promise<void>((resolve, reject) => {
      run.child.stderr?.on("data", () => {
        if (cue.test(run.stderr())) resolve();
      });
      void run.done.then(() => reject(new Error(`the run ended before the cue:\n${run.stderr()}`)));
    });
    // Act
    run.child.kill("SIGINT");
    const result = await run.done;
    // Assess
    expect(result.code, result.stderr).toBe(130);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/interrupted by SIGINT/);
    expect(leftovers(mark)).toEqual([]);
  }, 120_000);

  it("stops everything it started when the run fails after the emulators are up, and exits 1", async () => {
    // Prepare: a dead-letter policy Pub/Sub refuses (it takes 5 to 100 attempts).
    const badConfig = join(dir, "bad-config");
    writeConfig(badConfig, "selfops:\n  dead_letter_max_attempts: 3\n");
    const mark = randomUUID();
    // Act
    const result = await start(["nightly", "--json", "--config", tenantsFile, "--config-dir", badConfig, "--runtime", "emulators", "--data-dir", join(dir, "failed")], mark).done;
    // Assess
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/dead_letter_max_attempts is 3/);
    expect(leftovers(mark)).toEqual([]);
  }, 120_000);
});

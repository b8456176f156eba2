import { type ChildProcess, fork } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { bundleFunctions } from "../../../scripts/functions-bundle.mjs";
import { repoRoot } from "../../support/shared-data.js";

/**
 * The bundle that ships (scripts/functions-bundle.mjs), started the way a deployed instance starts
 * (`node server.mjs`, functions/src/serve.ts) in a plain Node child with FUNCTION_TARGET and PORT
 * set. A small wrapper around server.mjs answers `memory` over IPC with the child's peak RSS, and
 * whether modules other than the target's registered a function.
 */
export interface BundleInstance {
  child: ChildProcess;
  url: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output: () => string;
  /** Peak resident set size of the child so far (bytes), and whether other functions registered. */
  probe: () => Promise<{ maxRssBytes: number; others: boolean }>;
  /** SIGTERM, then the exit code. */
  stop: () => Promise<number | null>;
}

const WRAPPER = (server: string) => `
import { getFunction } from "@google-cloud/functions-framework/testing";
process.on("message", (m) => {
  if (m !== "probe") return;
  const others = getFunction(process.env.FUNCTION_TARGET === "listBudgets" ? "getCostSummary" : "listBudgets") !== undefined;
  process.send({ maxRssBytes: process.resourceUsage().maxRSS * 1024, others });
});
await import(${JSON.stringify(server)});
`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Builds the bundle into a fresh folder under node_modules/.cache (so its external packages resolve as deployed). */
export async function buildBundle(): Promise<{ dir: string; lib: string; remove: () => void }> {
  const cache = join(repoRoot, "node_modules", ".cache");
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, "deployed-bundle-"));
  const lib = join(dir, "lib");
  await bundleFunctions(lib, { logLevel: "warning" });
  writeFileSync(join(dir, "instance.mjs"), WRAPPER(join(lib, "server.mjs")));
  return { dir, lib, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Starts `server.mjs` for `target` and waits until it answers. */
export async function startInstance(dir: string, target: string, env: Record<string, string>): Promise<BundleInstance> {
  const port = await freePort();
  const child = fork(join(dir, "instance.mjs"), [], {
    env: { ...process.env, FUNCTION_TARGET: target, PORT: String(port), ...env },
    execArgv: [],
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  let out = "";
  child.stdout?.on("data", (c: Buffer) => {
    out += c.toString("utf8");
  });
  child.stderr?.on("data", (c: Buffer) => {
    out += c.toString("utf8");
  });
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const url = `http://127.0.0.1:${port}/`;
  let up = false;
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  while (!up && !gone) {
    up = await fetch(url, { method: "OPTIONS" }).then(
      () => true,
      () => false,
    );
    if (!up) await new Promise((r) => setTimeout(r, 50));
  }
  if (!up) throw new Error(`instance of ${target} exited before serving:\n${out}`);
  return {
    child,
    url,
    output: () => out,
    probe: () =>
      new Promise((resolve) => {
        child.once("message", (m) => resolve(m as { maxRssBytes: number; others: boolean }));
        child.send("probe");
      }),
    stop: async () => {
      child.kill("SIGTERM");
      return exited;
    },
  };
}
